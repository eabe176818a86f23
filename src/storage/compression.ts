/**
 * Compression for stored originals. Upload originals are kept compressed:
 * the Bedrock JSONL must be stored as is, and a second uncompressed copy
 * would double the bytes every upload writes to S3. New uploads use zstd;
 * originals stored as gzip (before zstd) still read back.
 * @module
 */
import { constants, createZstdCompress, createZstdDecompress } from "node:zlib";
import type { Transform } from "node:stream";

/** How a stored original is compressed (`FileRecord.contentEncoding`). */
export type ContentEncoding = "gzip" | "zstd";

/**
 * A zstd compressor (level 1) as a web stream. On chat JSONL it runs about
 * 30% faster than gzip level 1 (the fastest gzip, used before) and stores
 * 0.10 of the bytes instead of 0.26, so the upload's own thread, its
 * busiest, does less. (`CompressionStream` has no zstd and no level.)
 */
export function compressStream(): TransformStream<Uint8Array, Uint8Array> {
  return nodeTransformStream(
    createZstdCompress({ params: { [constants.ZSTD_c_compressionLevel]: 1 } }),
  );
}

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
