/**
 * Reading stored originals back. Upload originals are kept compressed: the
 * Bedrock JSONL must be stored as is, and a second uncompressed copy would
 * double the bytes every upload writes to S3. New uploads use zstd, compressed
 * on a Worker (`zstd_worker.ts`); originals stored as gzip (before zstd) still
 * read back.
 * @module
 */
import { createZstdDecompress } from "node:zlib";
import type { Transform } from "node:stream";

/** How a stored original is compressed (`FileRecord.contentEncoding`). */
export type ContentEncoding = "gzip" | "zstd";

/** Decompresses a stream compressed with `encoding` (gzip: originals stored before zstd). */
export function decompress(
  stream: ReadableStream<Uint8Array>,
  encoding: ContentEncoding,
): ReadableStream<Uint8Array> {
  if (encoding === "zstd") return stream.pipeThrough(nodeTransformStream(createZstdDecompress()));
  const gunzip = new DecompressionStream("gzip");
  return stream.pipeThrough({
    writable: gunzip.writable as WritableStream<Uint8Array>,
    readable: gunzip.readable,
  });
}

/** node:zlib's transform as a web stream; a written chunk may be reused once its write resolves. */
function nodeTransformStream(transform: Transform): TransformStream<Uint8Array, Uint8Array> {
  let controller: TransformStreamDefaultController<Uint8Array>;
  let failure: Error | null = null;
  // A zlib error may come as an event without the pending write's callback: settle both.
  let pending: ((error: Error) => void) | null = null;
  transform.on("data", (chunk: Uint8Array) => controller.enqueue(chunk));
  transform.on("error", (error: Error) => {
    failure ??= error;
    pending?.(error);
    controller.error(error);
  });
  const settle = (start: (done: (error?: Error | null) => void) => void) =>
    new Promise<void>((resolve, reject) => {
      if (failure) return reject(failure);
      pending = reject;
      start((error) => {
        pending = null;
        error ? reject(error) : resolve();
      });
    });
  return new TransformStream<Uint8Array, Uint8Array>({
    start(c) {
      controller = c;
    },
    // zlib has consumed the chunk when the callback runs, so callers may reuse it.
    transform: (chunk) => settle((done) => transform.write(chunk, done)),
    flush: () =>
      settle((done) => {
        transform.once("end", () => done());
        transform.end();
      }),
    cancel() {
      transform.destroy();
    },
  });
}
