import assert from "assert";
import { gunzipSync, zstdDecompressSync } from "node:zlib";
import { compressStream, type ContentEncoding, decompress } from "../../src/storage/compression.ts";

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

const FORMATS = {
  zstd: { magic: [0x28, 0xb5, 0x2f, 0xfd], decode: zstdDecompressSync },
  gzip: { magic: [0x1f, 0x8b], decode: gunzipSync },
} as const;

for (
  const [encoding, format] of Object.entries(FORMATS) as [ContentEncoding, typeof FORMATS.zstd][]
) {
  Deno.test(`compressStream("${encoding}") output is standard ${encoding} of exactly the bytes written`, async () => {
    const chunks = Array.from({ length: 200 }, (_, i) => `{"custom_id":"r-${i}","é":"🚀"}\n`);
    const out = await collect(reusedBufferStream(chunks).pipeThrough(compressStream(encoding)));
    assert.deepEqual([...out.subarray(0, format.magic.length)], format.magic);
    assert.equal(new TextDecoder().decode(format.decode(out)), chunks.join(""));
  });

  Deno.test(`decompress(, "${encoding}") restores what compressStream() compressed, and an empty input`, async () => {
    const text = "line\n".repeat(100_000);
    const pieces = Array.from({ length: 10 }, (_, i) => text.slice(i * 50_000, (i + 1) * 50_000));
    const packed = await collect(reusedBufferStream(pieces).pipeThrough(compressStream(encoding)));
    assert.ok(packed.length < text.length / 10);
    const back = await collect(decompress(new Blob([packed]).stream(), encoding));
    assert.equal(new TextDecoder().decode(back), text);
    const empty = await collect(
      decompress(reusedBufferStream([]).pipeThrough(compressStream(encoding)), encoding),
    );
    assert.equal(empty.length, 0);
  });

  Deno.test(`decompress(, "${encoding}") fails on bytes that are not ${encoding}`, async () => {
    await assert.rejects(() =>
      collect(decompress(new Blob(["not compressed at all"]).stream(), encoding))
    );
  });
}

Deno.test("zstd stores chat JSONL in fewer bytes than gzip", async () => {
  const line = (i: number) =>
    JSON.stringify({
      custom_id: `request-${i}`,
      method: "POST",
      url: "/v1/chat/completions",
      body: { messages: [{ role: "user", content: `Summarise report ${i} in three lines.` }] },
    }) + "\n";
  const chunks = Array.from({ length: 2000 }, (_, i) => line(i));
  const sizes = await Promise.all(
    (["zstd", "gzip"] as const).map(async (e) =>
      (await collect(reusedBufferStream(chunks).pipeThrough(compressStream(e)))).length
    ),
  );
  assert.ok(sizes[0]! < sizes[1]!, `zstd ${sizes[0]}, gzip ${sizes[1]}`);
});
