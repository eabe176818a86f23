import assert from "assert";
import { zstdDecompressSync } from "node:zlib";
import { decompress, zstdCompressor } from "../../src/storage/compression.ts";

/** A stream of `chunks`, each written from one reused buffer (as ingestion does). */
function reusedBufferStream(chunks: string[]): ReadableStream<Uint8Array> {
  const buffer = new Uint8Array(64 * 1024);
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i === chunks.length) return controller.close();
      const { written } = new TextEncoder().encodeInto(chunks[i++]!, buffer);
      controller.enqueue(buffer.subarray(0, written));
    },
  }, { highWaterMark: 0 });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("zstdCompressor() writes standard zstd of exactly the bytes written, from reused buffers", async () => {
  const chunks = Array.from({ length: 200 }, (_, i) => `{"custom_id":"r-${i}","é":"🚀"}\n`);
  const out = await collect(reusedBufferStream(chunks).pipeThrough(zstdCompressor()));
  assert.deepEqual([...out.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd]);
  assert.equal(new TextDecoder().decode(zstdDecompressSync(out)), chunks.join(""));
});

Deno.test("decompress() restores a stored original, and an empty one", async () => {
  const text = "line\n".repeat(100_000);
  const pieces = Array.from({ length: 10 }, (_, i) => text.slice(i * 50_000, (i + 1) * 50_000));
  const packed = await collect(reusedBufferStream(pieces).pipeThrough(zstdCompressor()));
  assert.ok(packed.length < text.length / 10);
  const back = await collect(decompress(new Blob([packed]).stream()));
  assert.equal(new TextDecoder().decode(back), text);
  const emptyPacked = await collect(reusedBufferStream([]).pipeThrough(zstdCompressor()));
  assert.equal((await collect(decompress(new Blob([emptyPacked]).stream()))).length, 0);
});

Deno.test("decompress() fails on bytes that are not zstd", async () => {
  await assert.rejects(() => collect(decompress(new Blob(["not compressed at all"]).stream())));
});
