import assert from "assert";
import { JsonlWriter } from "../../src/storage/jsonl_writer.ts";

/** A writer that records copies of the chunks it receives. */
function collector() {
  const chunks: Uint8Array[] = [];
  const writer = new WritableStream<Uint8Array>({ write: (c) => void chunks.push(c.slice()) })
    .getWriter();
  const text = () => new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
  return { chunks, writer, text };
}

Deno.test("JsonlWriter writes lines whole across 1 MiB chunk boundaries, multi-byte included", async () => {
  const sink = collector();
  const out = new JsonlWriter(sink.writer);
  const lines: string[] = [];
  // Lines of awkward sizes so boundaries fall inside lines and inside multi-byte characters.
  for (let i = 0; i < 400; i++) lines.push(`${i}:` + "é🚀x".repeat(1000 + i * 7));
  for (const line of lines) await out.add(line);
  await out.close();
  assert.equal(out.lines, lines.length);
  assert.ok(sink.chunks.length > 2, `wrote ${sink.chunks.length} chunks`);
  assert.equal(sink.text(), lines.join("\n") + "\n");
});

Deno.test("JsonlWriter handles a buffer filled exactly to its end before the newline", async () => {
  const sink = collector();
  const out = new JsonlWriter(sink.writer, { reuseBuffer: true });
  const exact = "a".repeat(1024 * 1024);
  await out.add(exact);
  await out.add("b");
  await out.close();
  assert.equal(sink.text(), `${exact}\nb\n`);
});

Deno.test("JsonlWriter with reuseBuffer reuses one chunk buffer, without reuse each chunk is new", async () => {
  for (const reuseBuffer of [true, false]) {
    const buffers = new Set<ArrayBufferLike>();
    const writer = new WritableStream<Uint8Array>({ write: (c) => void buffers.add(c.buffer) })
      .getWriter();
    const out = new JsonlWriter(writer, { reuseBuffer });
    for (let i = 0; i < 5; i++) await out.add("x".repeat(600 * 1024));
    await out.close();
    assert.equal(buffers.size === 1, reuseBuffer, `reuseBuffer ${reuseBuffer}: ${buffers.size}`);
  }
});

Deno.test("JsonlWriter without a destination only counts lines", async () => {
  const out = new JsonlWriter(undefined);
  await out.add("one");
  await out.add("two");
  await out.close();
  assert.equal(out.lines, 2);
});
