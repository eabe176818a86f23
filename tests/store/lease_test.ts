import assert from "assert";
import { withLease } from "../../src/batches/lifecycle.ts";
import { createDeps } from "../../src/deps.ts";
import { openDenoKvStore } from "../../src/store/deno_kv_store.ts";
import { AwsClients } from "../../src/aws/clients.ts";
import { ManualClock } from "../_helpers/clock.ts";
import { testConfig } from "../_helpers/app.ts";

Deno.test("withLease() lets one task at a time in, even two tasks of one process", async () => {
  const store = await openDenoKvStore(":memory:");
  const clock = new ManualClock(1_000_000);
  const config = testConfig();
  config.general.batch_lease_seconds = 5;
  const aws = new AwsClients();
  const a = createDeps({ config, store, clock, aws, instanceId: "instance-a" });
  const b = createDeps({ config, store, clock, aws, instanceId: "instance-b" });
  try {
    const { promise: release, resolve } = Promise.withResolvers<void>();
    const { promise: entered, resolve: enter } = Promise.withResolvers<void>();
    const first = withLease(a, "batch_1", async () => {
      enter();
      await release;
      return "first";
    });
    await entered;
    assert.equal(await withLease(a, "batch_1", () => Promise.resolve("second")), "busy");
    assert.equal(await withLease(a, "batch_2", () => Promise.resolve("other")), "other");
    resolve();
    assert.equal(await first, "first");
    assert.equal(await withLease(a, "batch_1", () => Promise.resolve("after")), "after");

    // While its holder works, the lease is renewed: it outlives its first lifetime.
    const { promise: finish, resolve: done } = Promise.withResolvers<void>();
    const { promise: started, resolve: start } = Promise.withResolvers<void>();
    const long = withLease(a, "batch_3", async () => {
      start();
      await finish;
      return "long";
    });
    await started;
    for (let i = 0; i < 4; i++) {
      clock.advance(2_000);
      await new Promise((r) => setTimeout(r, 10)); // lets the renewal's store write land
    }
    assert.equal(await withLease(b, "batch_3", () => Promise.resolve("x")), "busy");
    done();
    assert.equal(await long, "long");
    assert.equal(clock.pendingTimers, 0, "the renewal timer stops with the task");
  } finally {
    aws.destroy();
    await store.close();
  }
});

Deno.test("withLease() lets another holder in once a dead holder's lease lapses", async () => {
  const store = await openDenoKvStore(":memory:");
  const clock = new ManualClock(1_000_000);
  const config = testConfig();
  config.general.batch_lease_seconds = 5;
  const aws = new AwsClients();
  const a = createDeps({ config, store, clock, aws, instanceId: "instance-a" });
  const b = createDeps({ config, store, clock, aws, instanceId: "instance-b" });
  try {
    // A holder that died without releasing: its lease was taken and never renewed.
    const { takeBatchLease } = await import("../../src/store/batches.ts");
    assert.ok(
      await takeBatchLease(store, "batch_9", {
        holder: "dead",
        untilMs: clock.now() + 5_000,
        nowMs: clock.now(),
      }),
    );
    assert.equal(await withLease(b, "batch_9", () => Promise.resolve("x")), "busy");
    clock.ms += 6_000;
    assert.equal(await withLease(b, "batch_9", () => Promise.resolve("x")), "x");
    assert.equal(await withLease(a, "batch_9", () => Promise.resolve("y")), "y");
  } finally {
    aws.destroy();
    await store.close();
  }
});
