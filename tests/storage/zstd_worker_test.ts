import assert from "assert";
import { zstdDecompressSync } from "node:zlib";
import { ZstdWorker } from "../../src/storage/zstd_worker.ts";

/** Deterministic JSONL-like bytes that compress about as chat JSONL does. */
function sampleBytes(size: number, seed: number): Uint8Array {
  const words = ["batch", "model", "résumé", "🚀", "token", "the", "of", "request", "{}", "\n"];
  const parts: string[] = [];
  let length = 0;
  let x = seed;
  while (length < size) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const word = words[x % words.length]! + (x % 7 === 0 ? String(x) : " ");
    parts.push(word);
    length += word.length;
  }
  return new TextEncoder().encode(parts.join("")).subarray(0, size);
}

/** Writes `bytes` through `stream` in `chunkSize` pieces, all from one reused buffer. */
async function compressReusing(
  stream: TransformStream<Uint8Array, Uint8Array>,
  bytes: Uint8Array,
  chunkSize: number,
): Promise<Uint8Array> {
  const collected = new Response(stream.readable).arrayBuffer();
  const writer = stream.writable.getWriter();
  const scratch = new Uint8Array(chunkSize);
  for (let at = 0; at < bytes.length; at += chunkSize) {
    const piece = bytes.subarray(at, at + chunkSize);
    scratch.set(piece);
    await writer.write(scratch.subarray(0, piece.length));
    scratch.fill(0); // The stream must have copied the chunk by now.
  }
  await writer.close();
  return new Uint8Array(await collected);
}

async function withWorker(fn: (zstd: ZstdWorker) => Promise<void>): Promise<void> {
  const zstd = new ZstdWorker();
  try {
    await fn(zstd);
  } finally {
    zstd.close();
  }
}

Deno.test("ZstdWorker compresses many batches from reused chunks into one zstd stream", async () => {
  await withWorker(async (zstd) => {
    // 6 MiB in odd-sized chunks: more batches than may be in flight, so writes wait for the Worker.
    const bytes = sampleBytes(6 * 1024 * 1024 + 123, 7);
    const packed = await compressReusing(zstd.compressStream(), bytes, 10_007);
    assert.ok(packed.length < bytes.length / 2, `packed ${packed.length} of ${bytes.length}`);
    assert.deepEqual(new Uint8Array(zstdDecompressSync(packed)), bytes);
  });
});

Deno.test("ZstdWorker keeps concurrent streams apart, and compresses an empty one", async () => {
  await withWorker(async (zstd) => {
    const inputs = [sampleBytes(1_500_000, 1), sampleBytes(900_000, 2), new Uint8Array(0)];
    const packed = await Promise.all(
      inputs.map((bytes, i) => compressReusing(zstd.compressStream(), bytes, 4096 * (i + 1))),
    );
    inputs.forEach((bytes, i) => {
      assert.deepEqual(new Uint8Array(zstdDecompressSync(packed[i]!)), bytes);
    });
  });
});

Deno.test("ZstdWorker: a cancelled stream leaves the Worker serving others", async () => {
  await withWorker(async (zstd) => {
    const cancelled = zstd.compressStream();
    const reading = new Response(cancelled.readable).arrayBuffer();
    const writer = cancelled.writable.getWriter();
    await writer.write(sampleBytes(700_000, 3));
    await writer.abort(new Error("client went away"));
    await assert.rejects(() => reading);
    assert.equal(zstd.openStreams, 0);
    // As an upload uses it: piped into S3, whose failure cancels the compressor.
    const piped = zstd.compressStream();
    const failing = new WritableStream<Uint8Array>({
      write: () => Promise.reject(new Error("S3 refused the object")),
    });
    const piping = piped.readable.pipeTo(failing);
    const pipedWriter = piped.writable.getWriter();
    await assert.rejects(async () => {
      for (let i = 0; i < 20; i++) await pipedWriter.write(sampleBytes(300_000, 10 + i));
      await pipedWriter.close();
    });
    await assert.rejects(() => piping, /S3 refused/);
    assert.equal(zstd.openStreams, 0);
    const bytes = sampleBytes(800_000, 4);
    const packed = await compressReusing(zstd.compressStream(), bytes, 65_536);
    assert.deepEqual(new Uint8Array(zstdDecompressSync(packed)), bytes);
  });
});

Deno.test("ZstdWorker.close() fails open streams; the next stream starts a new Worker", async () => {
  await withWorker(async (zstd) => {
    const open = zstd.compressStream();
    const reading = new Response(open.readable).arrayBuffer();
    const writer = open.writable.getWriter();
    await writer.write(sampleBytes(600_000, 5));
    zstd.close();
    await assert.rejects(() => reading, /zstd worker closed/);
    await assert.rejects(() => writer.close());
    const bytes = sampleBytes(300_000, 6);
    const packed = await compressReusing(zstd.compressStream(), bytes, 8192);
    assert.deepEqual(new Uint8Array(zstdDecompressSync(packed)), bytes);
  });
});
