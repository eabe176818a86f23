import assert from "assert";
import { gunzipSync } from "node:zlib";
import { gunzip, gzipStream } from "../../src/storage/gzip.ts";

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

Deno.test("gzipStream() output is standard gzip of exactly the bytes written", async () => {
  const chunks = Array.from({ length: 200 }, (_, i) => `{"custom_id":"r-${i}","é":"🚀"}\n`);
  const gz = await collect(reusedBufferStream(chunks).pipeThrough(gzipStream()));
  assert.deepEqual([...gz.subarray(0, 2)], [0x1f, 0x8b]);
  assert.equal(new TextDecoder().decode(gunzipSync(gz)), chunks.join(""));
});

Deno.test("gunzip() restores what gzipStream() compressed, and an empty input", async () => {
  const text = "line\n".repeat(100_000);
  const pieces = Array.from({ length: 10 }, (_, i) => text.slice(i * 50_000, (i + 1) * 50_000));
  const gz = await collect(reusedBufferStream(pieces).pipeThrough(gzipStream()));
  assert.ok(gz.length < text.length / 10);
  const back = await collect(gunzip(new Blob([gz]).stream()));
  assert.equal(new TextDecoder().decode(back), text);
  const empty = await collect(gunzip(reusedBufferStream([]).pipeThrough(gzipStream())));
  assert.equal(empty.length, 0);
});

Deno.test("gunzip() fails on bytes that are not gzip", async () => {
  await assert.rejects(() => collect(gunzip(new Blob(["not gzip at all"]).stream())));
});
