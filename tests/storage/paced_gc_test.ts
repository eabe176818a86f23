import assert from "assert";
import {
  COLLECTION_INTERVAL_BYTES,
  FIRST_COLLECTION_BYTES,
  PacedGc,
} from "../../src/storage/paced_gc.ts";

Deno.test("PacedGc collects after the first few MiB, then once per interval", () => {
  let collections = 0;
  const gc = new PacedGc(() => collections++);
  gc.count(FIRST_COLLECTION_BYTES - 1);
  assert.equal(collections, 0);
  gc.count(1);
  assert.equal(collections, 1);
  gc.count(COLLECTION_INTERVAL_BYTES - 1);
  assert.equal(collections, 1);
  gc.count(1);
  assert.equal(collections, 2);
  // One large chunk passes one threshold: a single collection, and the next interval starts there.
  gc.count(5 * COLLECTION_INTERVAL_BYTES);
  assert.equal(collections, 3);
  gc.count(COLLECTION_INTERVAL_BYTES - 1);
  assert.equal(collections, 3);
});

Deno.test("PacedGc runs V8's gc() when the process exposes it, and nothing otherwise", () => {
  const global = globalThis as { gc?: () => void };
  // deno test runs without --expose-gc.
  assert.equal(global.gc, undefined);
  new PacedGc().count(10 * COLLECTION_INTERVAL_BYTES);
  let collections = 0;
  global.gc = () => collections++;
  try {
    new PacedGc().count(FIRST_COLLECTION_BYTES);
    assert.equal(collections, 1);
  } finally {
    delete global.gc;
  }
});
