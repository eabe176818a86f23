import assert from "assert";
import { listOwnedIds } from "../../src/store/owned.ts";
import { newId } from "../../src/ids.ts";
import { openDenoKvStore } from "../../src/store/deno_kv_store.ts";

Deno.test("listOwnedIds() pages newest first across owner and team indexes without repeats", async () => {
  const kv = await openDenoKvStore(":memory:");
  try {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const id = newId("batch_", 1_700_000_000_000 + i * 1000);
      ids.push(id);
      // Odd ones are the caller's own, even ones a teammate's; id 3 is in both indexes.
      if (i % 2 === 1 || i === 4) await kv.atomic().set(["by_owner", "me", id], id).commit();
      if (i % 2 === 0 || i === 3) await kv.atomic().set(["by_team", "t", id], id).commit();
    }
    const prefixes = [["by_owner", "me"], ["by_team", "t"]];
    const newestFirst = [...ids].reverse();
    const page1 = await listOwnedIds(kv, prefixes, { limit: 3 });
    assert.deepEqual(page1, newestFirst.slice(0, 4), "limit + 1 ids tell has_more");
    const page2 = await listOwnedIds(kv, prefixes, { limit: 3, after: page1[2] });
    assert.deepEqual(page2, newestFirst.slice(3, 7));
    const page3 = await listOwnedIds(kv, prefixes, { limit: 3, after: page2[2] });
    assert.deepEqual(page3, newestFirst.slice(6));
    const asc = await listOwnedIds(kv, prefixes, { limit: 10, order: "asc", after: ids[1] });
    assert.deepEqual(asc, ids.slice(2));
  } finally {
    await kv.close();
  }
});
