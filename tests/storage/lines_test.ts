import assert from "assert";
import { readLineBatches } from "../../src/storage/lines.ts";

function streamOf(text: string, chunk: number): ReadableStream<Uint8Array> {
  const data = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= data.length) return controller.close();
      controller.enqueue(data.slice(at, at + chunk));
      at += chunk;
    },
  });
}

Deno.test("readLineBatches() yields non-empty lines without \\r, a leading BOM dropped once", async () => {
  const text = '\uFEFF{"a":1}\r\n\n  \n{"b":"é🚀"}\n\uFEFFkept\nlast';
  for (const chunk of [1, 2, 5, 1000]) {
    const lines: string[] = [];
    for await (const batch of readLineBatches(streamOf(text, chunk))) lines.push(...batch);
    assert.deepEqual(lines, ['{"a":1}', '{"b":"é🚀"}', "\uFEFFkept", "last"], `chunk ${chunk}`);
  }
});
