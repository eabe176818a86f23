/**
 * Reading, listing and deleting files, and their OpenAI shape.
 * @module
 */
import { ApiError, notFound } from "../errors.ts";
import type { AppDeps } from "../deps.ts";
import type { Principal } from "../auth/principal.ts";
import {
  deleteFileRecord,
  expiredFileIds,
  type FileRecord,
  getFileEntry,
  getVisibleFile,
  listVisibleFiles,
} from "../store/files.ts";
import { listPage, type ListPageOptions } from "../store/owned.ts";
import { deploymentAt, objectStoreFor } from "./deployments.ts";
import { log } from "../log.ts";
import { decompress } from "../storage/compression.ts";

/** OpenAI's file object. */
export interface OpenAIFile {
  id: string;
  object: "file";
  bytes: number;
  created_at: number;
  expires_at: number | null;
  filename: string;
  purpose: string;
  status: "processed";
  status_details: null;
}

/** The OpenAI file object of a record (no bucket, key or ARN in it). */
export function toOpenAIFile(file: FileRecord): OpenAIFile {
  return {
    id: file.id,
    object: "file",
    bytes: file.bytes,
    created_at: file.createdAt,
    expires_at: file.expiresAt ?? null,
    filename: file.filename,
    purpose: file.purpose,
    status: "processed",
    status_details: null,
  };
}

/**
 * A file the principal may see.
 * @throws {ApiError} 404 otherwise, the same whether it exists or not
 */
export async function getFileFor(
  deps: AppDeps,
  principal: Principal,
  id: string,
): Promise<FileRecord> {
  const file = await getVisibleFile(deps.store, principal, id);
  if (!file || isExpired(file, deps.clock.now())) throw notFound("file", id, "file_id");
  return file;
}

/** Whether the file's `expires_at` has passed (the sweep may not have removed it yet). */
export function isExpired(file: FileRecord, nowMs: number): boolean {
  return file.expiresAt != null && file.expiresAt * 1000 <= nowMs;
}

/**
 * Deletes expired files and their objects, a page per call. A file a
 * batch still runs on waits for the batch to end.
 * @returns how many files it deleted
 */
export async function sweepExpiredFiles(deps: AppDeps): Promise<number> {
  let deleted = 0;
  for (const id of await expiredFileIds(deps.store, Math.floor(deps.clock.now() / 1000))) {
    const outcome = await deleteFileRecord(deps.store, id);
    if (outcome.result !== "deleted") continue;
    deleted++;
    const file = outcome.file;
    try {
      const deployment = deploymentAt(deps.config, file.location);
      await objectStoreFor(deps.aws, deployment).delete(file.location.bucket, file.objectKeys);
      log.info("Expired file deleted", { fileId: id });
    } catch (error) {
      log.error("Cannot delete an expired file's objects", { fileId: id, error: String(error) });
    }
  }
  return deleted;
}

/** Streams a file's bytes from S3 (as uploaded, decompressing a stored original). */
export async function fileContent(
  deps: AppDeps,
  file: FileRecord,
): Promise<ReadableStream<Uint8Array>> {
  const deployment = deploymentAt(deps.config, file.location);
  let stream: ReadableStream<Uint8Array> | null;
  try {
    stream = await objectStoreFor(deps.aws, deployment).read({
      bucket: file.location.bucket,
      key: file.contentKey,
    });
  } catch (error) {
    log.error("Cannot read a file's content", { fileId: file.id, error: String(error) });
    throw new ApiError(503, `Cannot read file ${file.id} from S3 now; try again later`, {
      type: "server_error",
      code: "storage_unavailable",
      cause: error,
    });
  }
  if (!stream) {
    throw new ApiError(500, `Cannot read file ${file.id}: its content is missing from storage`, {
      type: "server_error",
      code: "content_missing",
    });
  }
  return logBreakOff(file.id, file.contentEncoding ? decompress(stream) : stream);
}

/** The stream, logging an error that breaks it off (the status line was sent already). */
function logBreakOff(fileId: string, stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        log.error("File content broke off mid-body", { fileId, error: String(error) });
        throw error;
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** One page of the principal's files. */
export async function listFiles(
  deps: AppDeps,
  principal: Principal,
  options: ListPageOptions & { purpose?: string | undefined },
) {
  const { files, hasMore } = await listVisibleFiles(deps.store, principal, options);
  const now = deps.clock.now();
  return listPage(files.filter((f) => !isExpired(f, now)).map(toOpenAIFile), hasMore);
}

/**
 * Deletes a file: its record first (so it disappears at once), then its objects.
 * @throws {ApiError} 404 for a file the principal cannot see, 409 while a batch runs on it,
 *   502 when S3 kept refusing to delete some of its objects
 */
export async function deleteFile(deps: AppDeps, principal: Principal, id: string) {
  await getFileFor(deps, principal, id);
  const outcome = await deleteFileRecord(deps.store, id);
  if (outcome.result === "missing") throw notFound("file", id, "file_id");
  if (outcome.result === "in_use") {
    throw new ApiError(
      409,
      `Cannot delete file ${id}: batch ${outcome.batchIds.join(", ")} is still running on it`,
      { param: "file_id", code: "file_in_use" },
    );
  }
  const file = outcome.file;
  try {
    const deployment = deploymentAt(deps.config, file.location);
    await objectStoreFor(deps.aws, deployment).delete(file.location.bucket, file.objectKeys);
  } catch (error) {
    // The record is gone (no client sees the file any more), but its bytes may not be:
    // say so instead of `deleted: true`.
    log.error("Cannot delete a deleted file's objects", { fileId: id, error: String(error) });
    throw new ApiError(
      502,
      `File ${id} is no longer listed, but its S3 objects could not all be deleted: ` +
        `${(error as Error).message}`,
      { param: "file_id", code: "storage_delete_failed", cause: error },
    );
  }
  return { id, object: "file" as const, deleted: true };
}

/** How long objects under `files/` may exist without a file record (an upload in progress). */
export const ORPHAN_GRACE_MS = 60 * 60 * 1000;

/**
 * Deletes objects under each deployment's `files/` that no file record
 * owns and that nothing wrote for {@linkcode ORPHAN_GRACE_MS}: what an
 * upload killed mid-way (kill -9, a crash) left behind.
 * @returns how many objects it deleted
 */
export async function sweepOrphanObjects(deps: AppDeps): Promise<number> {
  const now = deps.clock.now();
  const seen = new Set<string>();
  let deleted = 0;
  for (const deployment of deps.config.deployments) {
    const folder = `${deployment.s3.prefix}files/`;
    const where = `${deployment.s3.bucket}\n${folder}`;
    if (seen.has(where)) continue;
    seen.add(where);
    const store = objectStoreFor(deps.aws, deployment);
    const byFile = new Map<string, { keys: string[]; newest: number }>();
    for await (const obj of store.list(deployment.s3.bucket, folder)) {
      const fileId = obj.key.slice(folder.length).split("/")[0]!;
      const group = byFile.get(fileId) ?? { keys: [], newest: 0 };
      group.keys.push(obj.key);
      group.newest = Math.max(group.newest, obj.lastModified);
      byFile.set(fileId, group);
    }
    for (const [fileId, group] of byFile) {
      if (now - group.newest < ORPHAN_GRACE_MS) continue;
      if ((await getFileEntry(deps.store, fileId)).value) continue;
      await store.delete(deployment.s3.bucket, group.keys);
      deleted += group.keys.length;
      log.info("Orphaned upload objects deleted", { fileId, objects: group.keys.length });
    }
  }
  return deleted;
}
