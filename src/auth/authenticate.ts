/**
 * Authentication: the master key or a virtual key → the caller's `Principal`.
 * @module
 */
import type { Clock } from "../clock.ts";
import { ApiError } from "../errors.ts";
import { hashKey } from "./hash.ts";
import type { KeyCache, ResolvedKey } from "./key_cache.ts";
import type { Principal } from "./principal.ts";

/** Owner id of everything the master key creates. */
export const MASTER_OWNER = "master";

/** Options of {@linkcode authenticate}. */
export interface AuthenticateOptions {
  /** Only the master key may pass (403 for virtual keys). */
  admin?: boolean;
}

/** Reads the raw key from `Authorization: Bearer`, `x-litellm-api-key` or `api-key`. */
export function rawKeyOf(headers: Headers): string | undefined {
  const value = headers.get("authorization") ?? headers.get("x-litellm-api-key") ??
    headers.get("api-key");
  if (value === null) return undefined;
  // Any of the headers may carry the "Bearer " prefix (LiteLLM accepts it everywhere).
  const key = value.trim().replace(/^Bearer\s+/i, "").trim();
  return key === "" ? undefined : key;
}

/** What {@linkcode authenticate} checks keys against. */
export interface KeyChecker {
  /** SHA-256 of the master key, or null when auth is off. */
  masterKeyHash: string | null;
  keys: KeyCache;
  clock: Clock;
}

/**
 * Authenticates a caller from its request headers. Without a configured
 * master key auth is off (LiteLLM's behaviour; the server then binds to
 * loopback only) and every caller acts as the admin.
 * @throws {ApiError} 401 without a valid key, 403 for a virtual key on an admin route
 */
export async function authenticate(
  headers: Headers,
  checker: KeyChecker,
  options: AuthenticateOptions = {},
): Promise<Principal> {
  const raw = rawKeyOf(headers);
  if (checker.masterKeyHash === null && raw === undefined) return adminPrincipal();
  if (raw === undefined) {
    throw new ApiError(401, "Missing API key: pass it as 'Authorization: Bearer sk-...'", {
      code: "missing_api_key",
    });
  }
  const hash = hashKey(raw);
  if (hash === checker.masterKeyHash) return adminPrincipal();
  const resolved = await checker.keys.lookup(hash);
  if (!resolved) throw new ApiError(401, "Invalid API key", { code: "invalid_api_key" });
  const { key } = resolved;
  if (key.deletedAt !== null) {
    throw new ApiError(401, `API key ${key.keyName} was deleted`, { code: "invalid_api_key" });
  }
  const now = checker.clock.now();
  if (key.expiresAt !== null && key.expiresAt <= now) {
    throw new ApiError(
      401,
      `API key ${key.keyName} expired at ${new Date(key.expiresAt).toISOString()}`,
      { code: "expired_api_key" },
    );
  }
  if (options.admin) {
    throw new ApiError(403, "Only the master key may call this route", { code: "admin_only" });
  }
  return principalOf(resolved);
}

function principalOf({ key, team }: ResolvedKey): Principal {
  const principal: Principal = {
    isAdmin: false,
    ownerId: key.hash,
    models: intersectModels(key.models, team?.models ?? []),
  };
  if (key.keyAlias) principal.keyAlias = key.keyAlias;
  if (key.userId) principal.userId = key.userId;
  if (key.teamId) principal.teamId = key.teamId;
  return principal;
}

function adminPrincipal(): Principal {
  return { isAdmin: true, ownerId: MASTER_OWNER, models: "all" };
}

/** A key's usable models: its list ∩ its team's, where an empty list means all. */
export function intersectModels(
  keyModels: readonly string[],
  teamModels: readonly string[],
): ReadonlySet<string> | "all" {
  const keyAll = keyModels.length === 0 || keyModels.includes("*");
  const teamAll = teamModels.length === 0 || teamModels.includes("*");
  if (keyAll && teamAll) return "all";
  if (keyAll) return new Set(teamModels);
  if (teamAll) return new Set(keyModels);
  const team = new Set(teamModels);
  return new Set(keyModels.filter((m) => team.has(m)));
}
