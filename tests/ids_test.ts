import assert from "assert";
import { newId, randomAlnum } from "../src/ids.ts";

const ALPHABET = /^[0-9abcdefghjkmnpqrstvwxyz]*$/;

Deno.test("randomAlnum draws fresh characters across pool refills, at any length", () => {
  const seen = new Set<string>();
  // 24 does not divide 4096, so some calls straddle the end of a pooled block.
  for (let i = 0; i < 2_000; i++) {
    const id = randomAlnum(24);
    assert.equal(id.length, 24);
    assert.match(id, ALPHABET);
    seen.add(id);
  }
  assert.equal(seen.size, 2_000);
  const long = randomAlnum(10_000);
  assert.equal(long.length, 10_000);
  assert.match(long, ALPHABET);
  // Every one of the 32 characters shows up in 10,000 draws.
  assert.equal(new Set(long).size, 32);
  assert.equal(randomAlnum(0), "");
});

Deno.test("newId is prefix, 10 characters of time, 16 random; later ids sort after", () => {
  const a = newId("file-", 1_700_000_000_000);
  const b = newId("file-", 1_700_000_000_001);
  assert.match(a, /^file-[0-9a-z]{26}$/);
  assert.ok(a < b);
  assert.equal(a.slice(0, 15), newId("file-", 1_700_000_000_000).slice(0, 15));
});
