/**
 * Virtual keys, users and teams in KV.
 * @module
 */
import { z } from "zod";
import { apiKeyKey, teamKey, userKey } from "./keys.ts";
import { getWithRetry } from "./kv.ts";

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
