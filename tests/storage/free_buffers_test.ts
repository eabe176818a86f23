import assert from "node:assert/strict";
import { freeBuffers } from "../../src/storage/free_buffers.ts";

Deno.test("freeBuffers detaches each buffer, so every view of it reads as empty", () => {
  const a = new Uint8Array(1024).fill(1);
  const view = a.subarray(10, 20);
  const b = new Uint8Array(16);
  freeBuffers([a, null, undefined, b]);
  assert.equal(a.length, 0);
  assert.equal(view.length, 0);
  assert.equal(b.length, 0);
  assert.equal((a.buffer as ArrayBuffer).detached, true);
});

Deno.test("freeBuffers skips detached and resizable buffers", () => {
  const a = new Uint8Array(8);
  freeBuffers([a]);
  freeBuffers([a]); // already detached: no throw
  const resizable = new Uint8Array(new ArrayBuffer(8, { maxByteLength: 16 }));
  freeBuffers([resizable]);
  assert.equal(resizable.length, 8);
});
