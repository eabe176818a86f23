/**
 * Every Deno KV key Batchgate uses, built here and nowhere else.
 * Records are `[collection, id]`; indexes are `<things>_by_<field>` and hold
 * only the id, so they never drift from the record.
 * @module
 */
import type { StoreKey } from "./store.ts";

/** Virtual key record, by SHA-256 hash of the raw key. */
export const apiKeyKey = (hash: string): StoreKey => ["api_key", hash];
/** Index: keys of a user. */
export const apiKeyByUserKey = (userId: string, hash: string): StoreKey => [
  "api_key_by_user",
  userId,
  hash,
];
/** Index: keys of a team. */
export const apiKeyByTeamKey = (teamId: string, hash: string): StoreKey => [
  "api_key_by_team",
  teamId,
  hash,
];
/** Index: the live key holding a `key_alias` (aliases are unique among live keys). */
export const apiKeyByAliasKey = (alias: string): StoreKey => ["api_key_by_alias", alias];
/** User record. */
export const userKey = (userId: string): StoreKey => ["user", userId];
/** Team record. */
export const teamKey = (teamId: string): StoreKey => ["team", teamId];
/** Index: members of a team. */
export const userByTeamKey = (teamId: string, userId: string): StoreKey => [
  "user_by_team",
  teamId,
  userId,
];

/** File record. */
export const fileKey = (fileId: string): StoreKey => ["file", fileId];
/** Index: files of an owner (a key hash, or `master`). */
export const fileByOwnerKey = (ownerId: string, fileId: string): StoreKey => [
  "file_by_owner",
  ownerId,
  fileId,
];
/** Index: files by when they expire (Unix seconds), for the sweep. */
export const fileExpiryKey = (expiresAt: number, fileId: string): StoreKey => [
  "file_expiry",
  // Zero-padded, so key order is time order.
  String(expiresAt).padStart(12, "0"),
  fileId,
];
/** Index: files of a team. */
export const fileByTeamKey = (teamId: string, fileId: string): StoreKey => [
  "file_by_team",
  teamId,
  fileId,
];

/** Batch record. */
export const batchKey = (batchId: string): StoreKey => ["batch", batchId];
/** Index: batches of an owner. */
export const batchByOwnerKey = (ownerId: string, batchId: string): StoreKey => [
  "batch_by_owner",
  ownerId,
  batchId,
];
/** Index: batches of a team. */
export const batchByTeamKey = (teamId: string, batchId: string): StoreKey => [
  "batch_by_team",
  teamId,
  batchId,
];
/** Index: batches the poller still has to watch. */
export const activeBatchKey = (batchId: string): StoreKey => ["batch_active", batchId];
/** Lease on a batch (refresh, finalization), with `expireIn`. */
export const batchLeaseKey = (batchId: string): StoreKey => ["batch_lease", batchId];

/** Marker that a batch's cost was recorded (exactly once). */
export const spendMarkerKey = (batchId: string): StoreKey => ["spend_marker", batchId];
/** Spend log entry, time-ordered. */
export const spendLogKey = (logId: string): StoreKey => ["spend_log", logId];

/** Prefixes for listings. */
export const prefixes = {
  apiKey: ["api_key"] as StoreKey,
  apiKeyByUser: (userId: string): StoreKey => ["api_key_by_user", userId],
  apiKeyByTeam: (teamId: string): StoreKey => ["api_key_by_team", teamId],
  user: ["user"] as StoreKey,
  team: ["team"] as StoreKey,
  userByTeam: (teamId: string): StoreKey => ["user_by_team", teamId],
  fileByOwner: (ownerId: string): StoreKey => ["file_by_owner", ownerId],
  fileByTeam: (teamId: string): StoreKey => ["file_by_team", teamId],
  batchByOwner: (ownerId: string): StoreKey => ["batch_by_owner", ownerId],
  batchByTeam: (teamId: string): StoreKey => ["batch_by_team", teamId],
  activeBatch: ["batch_active"] as StoreKey,
  spendLog: ["spend_log"] as StoreKey,
};

/**
 * Counter raised by every change to a key or team that can change what a
 * request may do; instances compare it to drop their cached keys.
 */
export const authEpochKey: StoreKey = ["auth_epoch"];
