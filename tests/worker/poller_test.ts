import assert from "assert";
import { needsAction, nextCycleDelayMs } from "../../src/worker/poller.ts";
import type { JobInfo } from "../../src/batches/bedrock_jobs.ts";
import { batchWith, JOB } from "../_helpers/batch_record.ts";

Deno.test("nextCycleDelayMs() starts cycles one interval apart less the last cycle's length", () => {
  // A 500 ms cycle: the next starts 2,500 ms after this one started, 2,000 ms after it ended.
  assert.equal(nextCycleDelayMs(3000, 500), 2000);
  assert.equal(nextCycleDelayMs(3000, 0), 3000);
  // Never faster than twice an interval; a cycle longer than that starts the next at once.
  assert.equal(nextCycleDelayMs(3000, 1400), 200);
  assert.equal(nextCycleDelayMs(3000, 2000), 0);
});

Deno.test("needsAction() flags batches whose jobs moved or that have work of their own", () => {
  const listed = (status: string) =>
    new Map([[JOB.jobArn!, { status } as unknown as JobInfo]]) as ReadonlyMap<string, JobInfo>;
  const running = { ...batchWith(["InProgress"]), status: "in_progress" as const };
  assert.equal(needsAction(running, listed("InProgress")), false);
  assert.equal(needsAction(running, listed("Completed")), true);
  assert.equal(needsAction(running, new Map()), true, "a job the List did not return");
  assert.equal(needsAction({ ...running, cancelRequested: true }, listed("InProgress")), true);
  assert.equal(needsAction(batchWith(["InProgress"]), listed("InProgress")), true, "validating");
});
