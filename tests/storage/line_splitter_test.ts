import assert from "assert";
import { LineSplitter } from "../../src/storage/line_splitter.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("LineSplitter joins a line spanning many chunks, even inside a multi-byte character", () => {
  const source = bytes("first\nsé🚀cond line\nthird");
  const splitter = new LineSplitter();
  const lines: string[] = [];
  for (let i = 0; i < source.length; i += 3) {
    lines.push(...splitter.push(source.subarray(i, i + 3)).map(text));
  }
  assert.deepEqual(lines, ["first", "sé🚀cond line"]);
  assert.equal(text(splitter.finish()!), "third");
  assert.equal(splitter.finish(), null);
});

Deno.test("LineSplitter keeps empty lines and \\r for the caller", () => {
  const splitter = new LineSplitter();
  assert.deepEqual(splitter.push(bytes("a\r\n\nb\n")).map(text), ["a\r", "", "b"]);
  assert.equal(splitter.finish(), null);
});

Deno.test("LineSplitter.pendingExceeds() counts UTF-16 units of an unfinished line", () => {
  const splitter = new LineSplitter();
  splitter.push(bytes("é".repeat(6))); // 12 bytes, 6 characters
  assert.equal(splitter.pendingExceeds(6), false);
  assert.equal(splitter.pendingExceeds(5), true);
  splitter.push(bytes("🚀")); // 4 bytes, 2 UTF-16 units
  assert.equal(splitter.pendingExceeds(8), false);
  assert.equal(splitter.pendingExceeds(7), true);
  splitter.push(bytes("\n"));
  assert.equal(splitter.pendingExceeds(0), false);
});
