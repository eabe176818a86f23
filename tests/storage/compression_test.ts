import assert from "assert";
import { gzipSync, zstdDecompressSync } from "node:zlib";
import { type ContentEncoding, decompress } from "../../src/storage/compression.ts";
import { ZstdWorker } from "../../src/storage/zstd_worker.ts";

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

/** Compresses `pieces` as a stored original would be: zstd by Batchgate, gzip as before zstd. */
const PACKERS: Record<ContentEncoding, (pieces: string[]) => Promise<Uint8Array<ArrayBuffer>>> = {
  zstd: async (pieces) => {
    const zstd = new ZstdWorker();
    try {
      return await collect(reusedBufferStream(pieces).pipeThrough(zstd.compressStream()));
    } finally {
      zstd.close();
    }
  },
  gzip: (pieces) =>
    Promise.resolve(
      new Uint8Array(gzipSync(new TextEncoder().encode(pieces.join("")), { level: 1 })),
    ),
};

Deno.test("ZstdWorker output is standard zstd of exactly the bytes written", async () => {
  const chunks = Array.from({ length: 200 }, (_, i) => `{"custom_id":"r-${i}","é":"🚀"}\n`);
  const out = await PACKERS.zstd(chunks);
  assert.deepEqual([...out.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd]);
  assert.equal(new TextDecoder().decode(zstdDecompressSync(out)), chunks.join(""));
});

for (
  const [encoding, pack] of Object.entries(PACKERS) as [ContentEncoding, typeof PACKERS.zstd][]
) {
  Deno.test(`decompress(, "${encoding}") restores a stored original, and an empty one`, async () => {
    const text = "line\n".repeat(100_000);
    const pieces = Array.from({ length: 10 }, (_, i) => text.slice(i * 50_000, (i + 1) * 50_000));
    const packed = await pack(pieces);
    assert.ok(packed.length < text.length / 10);
    const back = await collect(decompress(new Blob([packed]).stream(), encoding));
    assert.equal(new TextDecoder().decode(back), text);
    const empty = await collect(decompress(new Blob([await pack([])]).stream(), encoding));
    assert.equal(empty.length, 0);
  });

  Deno.test(`decompress(, "${encoding}") fails on bytes that are not ${encoding}`, async () => {
    await assert.rejects(() =>
      collect(decompress(new Blob(["not compressed at all"]).stream(), encoding))
    );
  });
}

Deno.test("zstd stores chat JSONL in fewer bytes than gzip level 1", async () => {
  const line = (i: number) =>
    JSON.stringify({
      custom_id: `request-${i}`,
      method: "POST",
      url: "/v1/chat/completions",
      body: { messages: [{ role: "user", content: `Summarise report ${i} in three lines.` }] },
    }) + "\n";
  const chunks = Array.from({ length: 2000 }, (_, i) => line(i));
  const sizes = [(await PACKERS.zstd(chunks)).length, (await PACKERS.gzip(chunks)).length];
  assert.ok(sizes[0]! < sizes[1]!, `zstd ${sizes[0]}, gzip ${sizes[1]}`);
});
