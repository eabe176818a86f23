/**
 * Virtual keys, users and teams in KV: the record schemas, reads, and every
 * write to keys. Users and teams are written by `users.ts` and `teams.ts`,
 * spend by `spend.ts`.
 *
 * A key record lives at `["api_key", hash]`; its indexes (by user, team and
 * alias) hold only the hash and are written in the same atomic as the record.
 * Deleted keys stay as tombstones (`deletedAt`) so callers get a clear 401.
 * @module
 */
import { z } from "zod";
import { badRequest, notFound } from "../errors.ts";
import {
  apiKeyByAliasKey,
  apiKeyByTeamKey,
  apiKeyByUserKey,
  apiKeyKey,
  prefixes,
  teamKey,
  userKey,
} from "./keys.ts";
import { authChanged, raiseAuthEpoch } from "./auth_epoch.ts";
import { commit, commitWithRetry, getWithRetry } from "./kv.ts";

/** A virtual key as stored (never the raw key). */
export const KeyRecord = z.object({
  hash: z.string(),
  /** Display form, `sk-...abcd`. */
  keyName: z.string(),
  keyAlias: z.string().nullable(),
  models: z.array(z.string()),
  userId: z.string().nullable(),
  teamId: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  maxBudget: z.number().nullable(),
  budgetDuration: z.string().nullable(),
  /** Epoch ms of the next budget reset, when `budgetDuration` is set. */
  budgetResetAt: z.number().nullable(),
  spend: z.number(),
  /** Epoch ms, or null for keys that never expire. */
  expiresAt: z.number().nullable(),
  createdAt: z.number(),
  /** Epoch ms of deletion; deleted keys stay as tombstones so callers get a clear 401. */
  deletedAt: z.number().nullable(),
});
/** A stored virtual key. */
export type KeyRecord = z.infer<typeof KeyRecord>;

/** A user. */
export const UserRecord = z.object({
  userId: z.string(),
  userEmail: z.string().nullable(),
  userRole: z.string().nullable(),
  models: z.array(z.string()),
  teams: z.array(z.string()),
  maxBudget: z.number().nullable(),
  budgetDuration: z.string().nullable(),
  budgetResetAt: z.number().nullable(),
  spend: z.number(),
  metadata: z.record(z.string(), z.unknown()),
  createdAt: z.number(),
});
/** A stored user. */
export type UserRecord = z.infer<typeof UserRecord>;

/** A team. */
export const TeamRecord = z.object({
  teamId: z.string(),
  teamAlias: z.string().nullable(),
  models: z.array(z.string()),
  maxBudget: z.number().nullable(),
  budgetDuration: z.string().nullable(),
  budgetResetAt: z.number().nullable(),
  spend: z.number(),
  metadata: z.record(z.string(), z.unknown()),
  createdAt: z.number(),
});
/** A stored team. */
export type TeamRecord = z.infer<typeof TeamRecord>;

/** Reads a key by hash (tombstones included). */
export async function getKeyByHash(kv: Deno.Kv, hash: string): Promise<KeyRecord | null> {
  return (await getWithRetry<KeyRecord>(kv, apiKeyKey(hash))).value;
}

/** Reads a user. */
export async function getUser(kv: Deno.Kv, userId: string): Promise<UserRecord | null> {
  return (await getWithRetry<UserRecord>(kv, userKey(userId))).value;
}

/** Reads a team. */
export async function getTeam(kv: Deno.Kv, teamId: string): Promise<TeamRecord | null> {
  return (await getWithRetry<TeamRecord>(kv, teamKey(teamId))).value;
}

/** Reads a key by hash, or null when it does not exist or was deleted. */
export async function getLiveKey(kv: Deno.Kv, hash: string): Promise<KeyRecord | null> {
  const key = await getKeyByHash(kv, hash);
  return key && key.deletedAt === null ? key : null;
}

/** The user record LiteLLM creates implicitly for a key's unknown `user_id`. */
export function implicitUser(userId: string, createdAt: number): UserRecord {
  return {
    userId,
    userEmail: null,
    userRole: null,
    models: [],
    teams: [],
    maxBudget: null,
    budgetDuration: null,
    budgetResetAt: null,
    spend: 0,
    metadata: {},
    createdAt,
  };
}

/**
 * Stores a new key with its indexes in one atomic. A `userId` without a user
 * record creates that user (LiteLLM does the same), so keys can be issued
 * per user without a prior `/user/new`.
 * @returns whether a user was created
 * @throws {ApiError} 400 when the key already exists, the alias is taken or the team does not exist
 */
export async function createKey(
  kv: Deno.Kv,
  record: KeyRecord,
): Promise<{ userCreated: boolean }> {
  let userCreated = false;
  await commitWithRetry("create key", async () => {
    userCreated = false;
    const existing = await getWithRetry<KeyRecord>(kv, apiKeyKey(record.hash));
    if (existing.value) {
      throw badRequest("Cannot create key: this key value is already in use", {
        param: "key",
        code: "duplicate_key",
      });
    }
    const op = kv.atomic().check(existing).set(apiKeyKey(record.hash), record);
    if (record.keyAlias !== null) await claimAlias(kv, op, record.keyAlias, record.hash);
    if (record.teamId !== null) await linkTeam(kv, op, record.teamId, record.hash);
    if (record.userId !== null) {
      userCreated = await linkUser(kv, op, record.userId, record.hash, record.createdAt);
    }
    return commit(op);
  });
  return { userCreated };
}

/** Key fields that {@linkcode updateKey} may change. */
export type KeyChange = Partial<
  Pick<
    KeyRecord,
    | "keyAlias"
    | "models"
    | "userId"
    | "teamId"
    | "metadata"
    | "maxBudget"
    | "budgetDuration"
    | "budgetResetAt"
    | "spend"
    | "expiresAt"
  >
>;

/**
 * Applies `change` to a live key, moving its indexes when the alias, user or
 * team changes. Fields that are undefined stay as they are.
 * @returns the updated record
 * @throws {ApiError} 404 for an unknown or deleted key; 400 for a taken alias or unknown team
 */
export async function updateKey(
  kv: Deno.Kv,
  hash: string,
  change: KeyChange,
): Promise<KeyRecord> {
  let next: KeyRecord | undefined;
  await commitWithRetry("update key", async () => {
    const entry = await getWithRetry<KeyRecord>(kv, apiKeyKey(hash));
    const current = entry.value;
    if (!current || current.deletedAt !== null) throw notFound("key", hash, "key");
    next = { ...current, ...definedFields(change) };
    const op = raiseAuthEpoch(kv.atomic().check(entry).set(apiKeyKey(hash), next));
    if (next.keyAlias !== current.keyAlias) {
      if (current.keyAlias !== null) op.delete(apiKeyByAliasKey(current.keyAlias));
      if (next.keyAlias !== null) await claimAlias(kv, op, next.keyAlias, hash);
    }
    if (next.teamId !== current.teamId) {
      if (current.teamId !== null) op.delete(apiKeyByTeamKey(current.teamId, hash));
      if (next.teamId !== null) await linkTeam(kv, op, next.teamId, hash);
    }
    if (next.userId !== current.userId) {
      if (current.userId !== null) op.delete(apiKeyByUserKey(current.userId, hash));
      if (next.userId !== null) await linkUser(kv, op, next.userId, hash, next.createdAt);
    }
    return commit(op);
  });
  authChanged(kv);
  return next!;
}

/**
 * Deletes keys: each becomes a tombstone with `deletedAt` and loses its
 * indexes. Nothing is deleted unless every key is live.
 * @param hashes SHA-256 hashes of the keys
 * @param options.now deletion time in epoch ms
 * @returns the hashes deleted
 * @throws {ApiError} 404 naming the first key that is unknown or already deleted
 */
export async function deleteKeys(
  kv: Deno.Kv,
  hashes: readonly string[],
  options: { now: number },
): Promise<string[]> {
  const unique = [...new Set(hashes)];
  for (const hash of unique) {
    if (!await getLiveKey(kv, hash)) throw notFound("key", hash, "keys");
  }
  for (const hash of unique) {
    await commitWithRetry("delete key", async () => {
      const entry = await getWithRetry<KeyRecord>(kv, apiKeyKey(hash));
      const current = entry.value;
      // Another instance deleted it meanwhile: the outcome is the same.
      if (!current || current.deletedAt !== null) return null;
      const op = raiseAuthEpoch(
        kv.atomic().check(entry).set(apiKeyKey(hash), {
          ...current,
          deletedAt: options.now,
        }),
      );
      if (current.keyAlias !== null) op.delete(apiKeyByAliasKey(current.keyAlias));
      if (current.teamId !== null) op.delete(apiKeyByTeamKey(current.teamId, hash));
      if (current.userId !== null) op.delete(apiKeyByUserKey(current.userId, hash));
      return commit(op);
    });
    authChanged(kv);
  }
  return unique;
}

/** Filters of {@linkcode listKeys}; set filters must all match. */
export interface KeyFilter {
  userId?: string;
  teamId?: string;
  keyAlias?: string;
}

/**
 * Lists live keys, newest first.
 * @example
 * ```ts ignore
 * const teamKeys = await listKeys(kv, { teamId: "team-a" });
 * ```
 */
export async function listKeys(kv: Deno.Kv, filter: KeyFilter = {}): Promise<KeyRecord[]> {
  let hashes: string[] | undefined;
  const narrow = (found: string[]) => {
    hashes = hashes === undefined ? found : hashes.filter((h) => found.includes(h));
  };
  if (filter.userId !== undefined) {
    narrow(await listIndex(kv, prefixes.apiKeyByUser(filter.userId)));
  }
  if (filter.teamId !== undefined) {
    narrow(await listIndex(kv, prefixes.apiKeyByTeam(filter.teamId)));
  }
  if (filter.keyAlias !== undefined) {
    const hash = (await getWithRetry<string>(kv, apiKeyByAliasKey(filter.keyAlias))).value;
    narrow(hash === null ? [] : [hash]);
  }
  const keys: KeyRecord[] = [];
  if (hashes === undefined) {
    for await (const entry of kv.list<KeyRecord>({ prefix: prefixes.apiKey })) {
      if (entry.value.deletedAt === null) keys.push(entry.value);
    }
  } else {
    // getMany takes at most 10 keys.
    for (let i = 0; i < hashes.length; i += 10) {
      const entries = await kv.getMany<KeyRecord[]>(
        hashes.slice(i, i + 10).map((h) => apiKeyKey(h)),
      );
      for (const e of entries) if (e.value && e.value.deletedAt === null) keys.push(e.value);
    }
  }
  return keys.sort((a, b) => b.createdAt - a.createdAt || a.hash.localeCompare(b.hash));
}

async function listIndex(kv: Deno.Kv, prefix: Deno.KvKey): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of kv.list({ prefix })) out.push(String(entry.key.at(-1)));
  return out;
}

async function claimAlias(
  kv: Deno.Kv,
  op: Deno.AtomicOperation,
  alias: string,
  hash: string,
): Promise<void> {
  const entry = await getWithRetry<string>(kv, apiKeyByAliasKey(alias));
  if (entry.value !== null && entry.value !== hash) {
    throw badRequest(`Cannot use key_alias '${alias}': another live key has it`, {
      param: "key_alias",
      code: "duplicate_key_alias",
    });
  }
  op.check(entry).set(apiKeyByAliasKey(alias), hash);
}

async function linkTeam(
  kv: Deno.Kv,
  op: Deno.AtomicOperation,
  teamId: string,
  hash: string,
): Promise<void> {
  // Teams are never deleted, so existence need not be re-checked at commit.
  if (!await getTeam(kv, teamId)) {
    throw badRequest(`Cannot assign key to team '${teamId}': the team does not exist`, {
      param: "team_id",
      code: "team_not_found",
    });
  }
  op.set(apiKeyByTeamKey(teamId, hash), hash);
}

/** Indexes the key under its user, creating the user when missing; true if created. */
async function linkUser(
  kv: Deno.Kv,
  op: Deno.AtomicOperation,
  userId: string,
  hash: string,
  now: number,
): Promise<boolean> {
  op.set(apiKeyByUserKey(userId, hash), hash);
  const entry = await getWithRetry<UserRecord>(kv, userKey(userId));
  if (entry.value) return false;
  op.check(entry).set(userKey(userId), implicitUser(userId, now));
  return true;
}

/** `change` without its undefined fields, so spreading it keeps current values. */
export function definedFields<T extends object>(change: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(change).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
