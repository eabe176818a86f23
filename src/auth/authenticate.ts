/**
 * Authentication: the master key or a virtual key → the caller's `Principal`.
 * @module
 */
import type { Context } from "hono";
import { ApiError } from "../errors.ts";
import type { AppEnv } from "../api/context.ts";
import { hashKeyOfRequest } from "./hash.ts";
import { keyCacheFor, type ResolvedKey } from "./key_cache.ts";
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

/**
 * Authenticates the caller of a request; every route handler calls it first.
 * Without a configured master key auth is off (LiteLLM's behaviour; the
 * server then binds to loopback only) and every caller acts as the admin.
 * A key the instance has cached is checked without awaiting anything, so a
 * handler can answer synchronously: this runs on every request.
 * @throws {ApiError} 401 without a valid key, 403 for a virtual key on an admin route
 */
export function authenticate(
  c: Context<AppEnv>,
  options: AuthenticateOptions = {},
): Principal | Promise<Principal> {
  const { config, kv, now } = c.env.deps;
  const adminOnly = options.admin ?? false;
  const raw = rawKeyOf(c.req.raw.headers);
  if (!config.masterKey && raw === undefined) return adminPrincipal();
  if (raw === undefined) {
    throw new ApiError(401, "Missing API key: pass it as 'Authorization: Bearer sk-...'", {
      code: "missing_api_key",
    });
  }
  const hash = hashKeyOfRequest(raw);
  if (config.masterKey && hash === hashKeyOfRequest(config.masterKey)) return adminPrincipal();
  const keys = keyCacheFor(kv);
  const cached = keys.peek(hash);
  if (cached) return virtualKeyPrincipal(cached, now(), adminOnly);
  return keys.lookup(hash).then((resolved) => virtualKeyPrincipal(resolved, now(), adminOnly));
}

/**
 * Principals of cached keys. A `ResolvedKey` never changes (the cache drops
 * it instead), so its principal is built once, not per request.
 */
const principals = new WeakMap<ResolvedKey, Principal>();

/** The principal of a stored virtual key, after checking it may be used now. */
function virtualKeyPrincipal(
  resolved: ResolvedKey | null,
  now: number,
  adminOnly: boolean,
): Principal {
  if (!resolved) throw new ApiError(401, "Invalid API key", { code: "invalid_api_key" });
  const { key } = resolved;
  if (key.deletedAt !== null) {
    throw new ApiError(401, `API key ${key.keyName} was deleted`, { code: "invalid_api_key" });
  }
  if (key.expiresAt !== null && key.expiresAt <= now) {
    throw new ApiError(
      401,
      `API key ${key.keyName} expired at ${new Date(key.expiresAt).toISOString()}`,
      { code: "expired_api_key" },
    );
  }
  if (adminOnly) {
    throw new ApiError(403, "Only the master key may call this route", {
      code: "admin_only",
    });
  }
  let principal = principals.get(resolved);
  if (!principal) principals.set(resolved, principal = principalOf(resolved));
  return principal;
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
  return Object.freeze(principal);
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
