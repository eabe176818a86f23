/**
 * Gzip for stored originals. Upload originals are kept compressed: the
 * Bedrock JSONL must be stored as is, and a second uncompressed copy would
 * double the bytes every upload writes to S3.
 * @module
 */
import { createGzip } from "node:zlib";

/**
 * A gzip compressor as a web stream. Level 1 by default: chat JSONL still
 * shrinks 3-4×, at several hundred MB/s (`CompressionStream` has no level
 * and runs at level 6, 3× slower).
 */
export function gzipStream(level = 1): TransformStream<Uint8Array, Uint8Array> {
  const gzip = createGzip({ level });
  let controller: TransformStreamDefaultController<Uint8Array>;
  let failure: Error | null = null;
  gzip.on("data", (chunk: Uint8Array) => controller.enqueue(chunk));
  gzip.on("error", (error: Error) => failure = error);
  return new TransformStream<Uint8Array, Uint8Array>({
    start(c) {
      controller = c;
    },
    transform(chunk) {
      // zlib has consumed the chunk when the callback runs, so callers may reuse it.
      return new Promise<void>((resolve, reject) =>
        gzip.write(chunk, (error) => error ? reject(error) : resolve())
      );
    },
    flush() {
      return new Promise<void>((resolve, reject) => {
        if (failure) return reject(failure);
        gzip.once("end", resolve);
        gzip.once("error", reject);
        gzip.end();
      });
    },
    cancel() {
      gzip.destroy();
    },
  });
}

/** Decompresses a gzip stream. */
export function gunzip(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const decompress = new DecompressionStream("gzip");
  return stream.pipeThrough({
    writable: decompress.writable as WritableStream<Uint8Array>,
    readable: decompress.readable,
  });
}
