/**
 * Upload originals are kept zstd-compressed: the Bedrock JSONL must be stored
 * as is, and a second uncompressed copy would double the bytes every upload
 * writes to S3. node:zlib's zstd at level 1 costs far less CPU than the
 * translation running beside it.
 * @module
 */
import { constants, createZstdCompress, createZstdDecompress } from "node:zlib";
import type { Transform } from "node:stream";

/** How a stored original is compressed (`FileRecord.contentEncoding`). */
export type ContentEncoding = "zstd";

/** A stream that zstd-compresses what is written to it (level 1: fast). */
export function zstdCompressor(): TransformStream<Uint8Array, Uint8Array> {
  return nodeTransformStream(
    createZstdCompress({ params: { [constants.ZSTD_c_compressionLevel]: 1 } }),
  );
}

/** Decompresses a zstd stream. */
export function decompress(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return stream.pipeThrough(nodeTransformStream(createZstdDecompress()));
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
