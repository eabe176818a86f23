/**
 * Helpers for tests of streamed uploads.
 * @module
 */
import type { StreamingUpload } from "../../src/storage/object_store.ts";
import { AwsClients } from "../../src/aws/clients.ts";
import { ObjectStore } from "../../src/storage/object_store.ts";

/**
 * Writes `data` to `upload` in chunks of `chunk` bytes, closes it and waits
 * for `done`. Each chunk is overwritten once its write resolves, to prove
 * the upload copied it (callers may reuse their buffers).
 */
export async function writeAll(
  upload: StreamingUpload,
  data: Uint8Array,
  chunk: number,
): Promise<void> {
  const writer = upload.writable.getWriter();
  for (let i = 0; i < data.length; i += chunk) {
    const piece = data.slice(i, i + chunk);
    await writer.write(piece);
    piece.fill(0);
  }
  await writer.close();
  await upload.done;
}

/** An ObjectStore on a loopback S3 endpoint (s3rver or a recording server). */
export function loopbackStore(aws: AwsClients, endpoint: string): ObjectStore {
  return new ObjectStore(aws.s3({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  }));
}
