/**
 * Deletes S3 objects with DeleteObjects, reading its answer: the call
 * succeeds as a whole even when single keys fail (`Errors`), so each key is
 * confirmed in `Deleted`, failed keys are sent again, and what is still left
 * after the last attempt is an {@linkcode ObjectDeleteError}.
 * @module
 */
import { DeleteObjectsCommand, type S3Client } from "@aws-sdk/client-s3";

/** Keys that DeleteObjects did not delete after every attempt. */
export class ObjectDeleteError extends Error {
  /** The bucket. */
  readonly bucket: string;
  /** Each key left, with S3's error code and message. */
  readonly failed: { key: string; code: string; message: string }[];

  constructor(bucket: string, failed: { key: string; code: string; message: string }[]) {
    const first = failed[0]!;
    super(
      `Cannot delete ${failed.length} object(s) in s3://${bucket}/, first ${first.key}: ` +
        `${first.message} (${first.code})`,
    );
    this.name = "ObjectDeleteError";
    this.bucket = bucket;
    this.failed = failed;
  }
}

/** DeleteObjects takes up to 1,000 keys per call. */
const KEYS_PER_CALL = 1000;
/** Waits before the second and third attempt of a key that failed. */
const RETRY_DELAYS_MS = [100, 500];

/**
 * Deletes `keys` from `bucket`; a key that does not exist counts as deleted.
 * @throws {ObjectDeleteError} naming the keys S3 kept refusing
 */
export async function deleteObjects(s3: S3Client, bucket: string, keys: string[]): Promise<void> {
  let pending = [...new Set(keys)];
  let failed: ObjectDeleteError["failed"] = [];
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > RETRY_DELAYS_MS.length) throw new ObjectDeleteError(bucket, failed);
    if (attempt > 0) await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt - 1]));
    failed = [];
    const next: string[] = [];
    for (let i = 0; i < pending.length; i += KEYS_PER_CALL) {
      const chunk = pending.slice(i, i + KEYS_PER_CALL);
      const res = await s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: false },
        }),
      );
      const deleted = new Set((res.Deleted ?? []).map((d) => d.Key));
      const errors = new Map((res.Errors ?? []).map((e) => [e.Key, e]));
      for (const key of chunk) {
        if (deleted.has(key)) continue;
        const error = errors.get(key);
        failed.push({
          key,
          code: error?.Code ?? "NotConfirmed",
          message: error?.Message ?? "S3 neither confirmed nor refused the delete",
        });
        next.push(key);
      }
    }
    pending = next;
  }
}
