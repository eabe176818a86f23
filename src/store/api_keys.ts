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
import { RecordError, recordNotFound } from "./errors.ts";
import {
  apiKeyByAliasKey,
  apiKeyByTeamKey,
  apiKeyByUserKey,
  apiKeyKey,
  prefixes,
  teamKey,
  userKey,
} from "./keys.ts";
import { raiseAuthEpoch } from "./auth_epoch.ts";
import { commit, commitWithRetry } from "./commit.ts";
import type { AtomicWrite, Store, StoreKey } from "./store.ts";

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
export async function getKeyByHash(store: Store, hash: string): Promise<KeyRecord | null> {
  return (await store.get<KeyRecord>(apiKeyKey(hash))).value;
}

/** Reads a user. */
export async function getUser(store: Store, userId: string): Promise<UserRecord | null> {
  return (await store.get<UserRecord>(userKey(userId))).value;
}

/** Reads a team. */
export async function getTeam(store: Store, teamId: string): Promise<TeamRecord | null> {
  return (await store.get<TeamRecord>(teamKey(teamId))).value;
}

/** Reads a key by hash, or null when it does not exist or was deleted. */
export async function getLiveKey(store: Store, hash: string): Promise<KeyRecord | null> {
  const key = await getKeyByHash(store, hash);
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
  store: Store,
  record: KeyRecord,
): Promise<{ userCreated: boolean }> {
  let userCreated = false;
  await commitWithRetry("create key", async () => {
    userCreated = false;
    const existing = await store.get<KeyRecord>(apiKeyKey(record.hash));
    if (existing.value) {
      throw new RecordError("exists", "Cannot create key: this key value is already in use", {
        field: "key",
        code: "duplicate_key",
      });
    }
    const op = store.atomic().check(existing).set(apiKeyKey(record.hash), record);
    if (record.keyAlias !== null) await claimAlias(store, op, record.keyAlias, record.hash);
    if (record.teamId !== null) await linkTeam(store, op, record.teamId, record.hash);
    if (record.userId !== null) {
      userCreated = await linkUser(store, op, record.userId, record.hash, record.createdAt);
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
  store: Store,
  hash: string,
  change: KeyChange,
): Promise<KeyRecord> {
  let next: KeyRecord | undefined;
  await commitWithRetry("update key", async () => {
    const entry = await store.get<KeyRecord>(apiKeyKey(hash));
    const current = entry.value;
    if (!current || current.deletedAt !== null) throw recordNotFound("key", hash, "key");
    next = { ...current, ...definedFields(change) };
    const op = raiseAuthEpoch(store.atomic().check(entry).set(apiKeyKey(hash), next));
    if (next.keyAlias !== current.keyAlias) {
      if (current.keyAlias !== null) op.delete(apiKeyByAliasKey(current.keyAlias));
      if (next.keyAlias !== null) await claimAlias(store, op, next.keyAlias, hash);
    }
    if (next.teamId !== current.teamId) {
      if (current.teamId !== null) op.delete(apiKeyByTeamKey(current.teamId, hash));
      if (next.teamId !== null) await linkTeam(store, op, next.teamId, hash);
    }
    if (next.userId !== current.userId) {
      if (current.userId !== null) op.delete(apiKeyByUserKey(current.userId, hash));
      if (next.userId !== null) await linkUser(store, op, next.userId, hash, next.createdAt);
    }
    return commit(op);
  });
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
  store: Store,
  hashes: readonly string[],
  options: { now: number },
): Promise<string[]> {
  const unique = [...new Set(hashes)];
  for (const hash of unique) {
    if (!await getLiveKey(store, hash)) throw recordNotFound("key", hash, "keys");
  }
  for (const hash of unique) {
    await commitWithRetry("delete key", async () => {
      const entry = await store.get<KeyRecord>(apiKeyKey(hash));
      const current = entry.value;
      // Another instance deleted it meanwhile: the outcome is the same.
      if (!current || current.deletedAt !== null) return null;
      const op = raiseAuthEpoch(
        store.atomic().check(entry).set(apiKeyKey(hash), {
          ...current,
          deletedAt: options.now,
        }),
      );
      if (current.keyAlias !== null) op.delete(apiKeyByAliasKey(current.keyAlias));
      if (current.teamId !== null) op.delete(apiKeyByTeamKey(current.teamId, hash));
      if (current.userId !== null) op.delete(apiKeyByUserKey(current.userId, hash));
      return commit(op);
    });
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
 * const teamKeys = await listKeys(store, { teamId: "team-a" });
 * ```
 */
export async function listKeys(store: Store, filter: KeyFilter = {}): Promise<KeyRecord[]> {
  let hashes: string[] | undefined;
  const narrow = (found: string[]) => {
    hashes = hashes === undefined ? found : hashes.filter((h) => found.includes(h));
  };
  if (filter.userId !== undefined) {
    narrow(await listIndex(store, prefixes.apiKeyByUser(filter.userId)));
  }
  if (filter.teamId !== undefined) {
    narrow(await listIndex(store, prefixes.apiKeyByTeam(filter.teamId)));
  }
  if (filter.keyAlias !== undefined) {
    const hash = (await store.get<string>(apiKeyByAliasKey(filter.keyAlias))).value;
    narrow(hash === null ? [] : [hash]);
  }
  const keys: KeyRecord[] = [];
  if (hashes === undefined) {
    for await (const entry of store.list<KeyRecord>({ prefix: prefixes.apiKey })) {
      if (entry.value.deletedAt === null) keys.push(entry.value);
    }
  } else {
    // getMany takes at most 10 keys.
    for (let i = 0; i < hashes.length; i += 10) {
      const entries = await store.getMany<KeyRecord>(
        hashes.slice(i, i + 10).map((h) => apiKeyKey(h)),
      );
      for (const e of entries) if (e.value && e.value.deletedAt === null) keys.push(e.value);
    }
  }
  return keys.sort((a, b) => b.createdAt - a.createdAt || a.hash.localeCompare(b.hash));
}

async function listIndex(store: Store, prefix: StoreKey): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of store.list({ prefix })) out.push(String(entry.key.at(-1)));
  return out;
}

async function claimAlias(
  store: Store,
  op: AtomicWrite,
  alias: string,
  hash: string,
): Promise<void> {
  const entry = await store.get<string>(apiKeyByAliasKey(alias));
  if (entry.value !== null && entry.value !== hash) {
    throw new RecordError("exists", `Cannot use key_alias '${alias}': another live key has it`, {
      field: "key_alias",
      code: "duplicate_key_alias",
    });
  }
  op.check(entry).set(apiKeyByAliasKey(alias), hash);
}

async function linkTeam(
  store: Store,
  op: AtomicWrite,
  teamId: string,
  hash: string,
): Promise<void> {
  // Teams are never deleted, so existence need not be re-checked at commit.
  if (!await getTeam(store, teamId)) {
    throw new RecordError(
      "missing_reference",
      `Cannot assign key to team '${teamId}': the team does not exist`,
      { field: "team_id", code: "team_not_found" },
    );
  }
  op.set(apiKeyByTeamKey(teamId, hash), hash);
}

/** Indexes the key under its user, creating the user when missing; true if created. */
async function linkUser(
  store: Store,
  op: AtomicWrite,
  userId: string,
  hash: string,
  now: number,
): Promise<boolean> {
  op.set(apiKeyByUserKey(userId, hash), hash);
  const entry = await store.get<UserRecord>(userKey(userId));
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
