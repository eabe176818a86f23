/**
 * File records in KV. The bytes live in S3; KV holds where, whose, and what.
 * @module
 */
import { z } from "zod";
import type { Principal } from "../auth/principal.ts";
import { fileByOwnerKey, fileByTeamKey, fileExpiryKey, fileKey, prefixes } from "./keys.ts";
import { commit, commitWithRetry } from "./commit.ts";
import { canSee, listOwnedIds, type ListPageOptions, ownedPrefixes } from "./owned.ts";
import type { AtomicWrite, Store, StoreEntry } from "./store.ts";

/** Where a file's objects live: the deployment that wrote them and the bucket. */
export const FileLocation = z.object({
  modelGroup: z.string(),
  modelId: z.string(),
  bucket: z.string(),
});
/** Where a file lives. */
export type FileLocation = z.infer<typeof FileLocation>;

/** What Batchgate learned from a batch input file at upload. */
export const BatchInputInfo = z.object({
  /**
   * S3 key of the Bedrock JSONL: a folder of `.jsonl` objects when it ends in
   * `/` (uploads since segmenting), else one object.
   */
  bedrockKey: z.string(),
  /** S3 key of the record map (line i = JSON custom_id of record i). */
  mappingKey: z.string(),
  records: z.number().int(),
  endpoint: z.string(),
  /** Sum over records of their max output tokens (worst case). */
  maxOutputTokens: z.number(),
  /** Rough input token count (characters / 4). */
  inputTokensEstimate: z.number(),
});
/** Batch input details. */
export type BatchInputInfo = z.infer<typeof BatchInputInfo>;

/** A file as stored in KV. */
export const FileRecord = z.object({
  id: z.string(),
  ownerId: z.string(),
  teamId: z.string().nullable(),
  purpose: z.enum(["batch", "batch_output"]),
  filename: z.string(),
  bytes: z.number().int(),
  /** Unix seconds. */
  createdAt: z.number().int(),
  /** Unix seconds after which the file is gone (OpenAI's `expires_at`); none when absent. */
  expiresAt: z.number().int().nullable().optional(),
  location: FileLocation,
  /**
   * S3 key of the bytes `GET /v1/files/{id}/content` returns; a folder when it
   * ends in `/` (its objects in key order hold the bytes).
   */
  contentKey: z.string(),
  /**
   * Set when the bytes at `contentKey` are stored compressed (upload
   * originals: zstd).
   */
  contentEncoding: z.enum(["zstd"]).optional(),
  /** S3 keys to delete with the file; a key ending in `/` is a folder. */
  objectKeys: z.array(z.string()),
  input: BatchInputInfo.nullable(),
  /** The batch that produced an output file. */
  batchId: z.string().nullable(),
  /** Batches that still run on this input file (deletion waits for them). */
  activeBatchIds: z.array(z.string()),
});
/** A stored file. */
export type FileRecord = z.infer<typeof FileRecord>;

/** Adds a file record and its indexes in one atomic. */
export function fileCreateOps(op: AtomicWrite, file: FileRecord): AtomicWrite {
  op.check({ key: fileKey(file.id), versionstamp: null })
    .set(fileKey(file.id), file)
    .set(fileByOwnerKey(file.ownerId, file.id), file.id);
  if (file.teamId) op.set(fileByTeamKey(file.teamId, file.id), file.id);
  if (file.expiresAt) op.set(fileExpiryKey(file.expiresAt, file.id), file.id);
  return op;
}

/** Ids of files whose `expiresAt` is at or before `nowSeconds`, oldest first. */
export async function expiredFileIds(
  store: Store,
  nowSeconds: number,
  limit = 100,
): Promise<string[]> {
  const ids: string[] = [];
  const selector = { prefix: ["file_expiry"], end: fileExpiryKey(nowSeconds + 1, "") };
  for await (const entry of store.list<string>(selector, { limit })) ids.push(entry.value);
  return ids;
}

/** Stores a new file record. */
export async function createFile(store: Store, file: FileRecord): Promise<void> {
  await commitWithRetry("create file", () => commit(fileCreateOps(store.atomic(), file)));
}

/** Reads a file record with its versionstamp. */
export function getFileEntry(store: Store, id: string): Promise<StoreEntry<FileRecord>> {
  return store.get<FileRecord>(fileKey(id));
}

/** Reads a file the principal may see, or null (never telling which). */
export async function getVisibleFile(
  store: Store,
  principal: Principal,
  id: string,
): Promise<FileRecord | null> {
  if (!id.startsWith("file-")) return null;
  const { value } = await getFileEntry(store, id);
  return value && canSee(principal, value) ? value : null;
}

/** Lists files the principal may see. */
export async function listVisibleFiles(
  store: Store,
  principal: Principal,
  options: ListPageOptions & { purpose?: string | undefined },
): Promise<{ files: FileRecord[]; hasMore: boolean }> {
  const files: FileRecord[] = [];
  let after = options.after;
  const indexes = ownedPrefixes(principal, prefixes.fileByOwner, prefixes.fileByTeam);
  // Purpose filtering happens after the index read, so page until full.
  while (true) {
    const ids = await listOwnedIds(store, indexes, { ...options, after });
    const page = ids.slice(0, options.limit);
    const entries = await Promise.all(page.map((id) => getFileEntry(store, id)));
    for (const { value } of entries) {
      if (!value || !canSee(principal, value)) continue;
      if (options.purpose && value.purpose !== options.purpose) continue;
      if (files.length < options.limit) files.push(value);
      else return { files, hasMore: true };
    }
    if (ids.length <= options.limit) return { files, hasMore: false };
    if (files.length >= options.limit) return { files, hasMore: true };
    after = page[page.length - 1];
  }
}

/**
 * Deletes a file record and its indexes, unless a running batch uses it.
 * @returns `deleted`, `missing`, or `in_use` with the batch ids
 */
export async function deleteFileRecord(
  store: Store,
  id: string,
): Promise<
  { result: "deleted"; file: FileRecord } | { result: "missing" } | {
    result: "in_use";
    batchIds: string[];
  }
> {
  let outcome: { result: "deleted"; file: FileRecord } | { result: "missing" } | {
    result: "in_use";
    batchIds: string[];
  } = { result: "missing" };
  await commitWithRetry("delete file", async () => {
    const entry = await getFileEntry(store, id);
    const file = entry.value;
    if (!file) return (outcome = { result: "missing" });
    if (file.activeBatchIds.length > 0) {
      return (outcome = { result: "in_use", batchIds: file.activeBatchIds });
    }
    outcome = { result: "deleted", file };
    const op = store.atomic().check(entry).delete(fileKey(id))
      .delete(fileByOwnerKey(file.ownerId, id));
    if (file.teamId) op.delete(fileByTeamKey(file.teamId, id));
    if (file.expiresAt) op.delete(fileExpiryKey(file.expiresAt, id));
    return commit(op);
  });
  return outcome;
}
