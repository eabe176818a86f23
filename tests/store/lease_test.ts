import assert from "assert";
import { withBatchLease } from "../../src/store/batches.ts";

Deno.test("withBatchLease() lets one task at a time in, even two tasks of one process", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    let now = 1_000_000;
    const options = { holder: "instance-a", ttlMs: 5_000, now: () => now };
    const { promise: release, resolve } = Promise.withResolvers<void>();
    const first = withBatchLease(kv, "batch_1", options, async () => {
      await release;
      return "first";
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(
      await withBatchLease(kv, "batch_1", options, () => Promise.resolve("second")),
      "busy",
    );
    assert.equal(
      await withBatchLease(kv, "batch_2", options, () => Promise.resolve("other batch")),
      "other batch",
    );
    resolve();
    assert.equal(await first, "first");
    assert.equal(
      await withBatchLease(kv, "batch_1", options, () => Promise.resolve("after")),
      "after",
    );

    // A holder that died without releasing blocks others only until the lease lapses.
    const { promise: never, resolve: end } = Promise.withResolvers<void>();
    const stuck = withBatchLease(kv, "batch_3", options, () => never);
    await new Promise((r) => setTimeout(r, 20));
    const other = { ...options, holder: "instance-b" };
    assert.equal(await withBatchLease(kv, "batch_3", other, () => Promise.resolve("x")), "busy");
    now += 6_000;
    assert.equal(await withBatchLease(kv, "batch_3", other, () => Promise.resolve("x")), "x");
    end();
    await stuck;
  } finally {
    kv.close();
  }
});
