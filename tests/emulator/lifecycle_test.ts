import assert from "assert";
import {
  GetModelInvocationJobCommand,
  StopModelInvocationJobCommand,
  ValidationException,
} from "@aws-sdk/client-bedrock";
import {
  claudeRecords,
  createJob,
  getText,
  jobIdOf,
  ManualClock,
  parseLines,
  putInput,
  startHarness,
  waitForStatus,
} from "./_harness.ts";

const HOUR = 3_600_000;

Deno.test("StopModelInvocationJob mid-way ends Stopped with outputs for the processed records", async () => {
  const clock = new ManualClock();
  const h = await startHarness({ now: clock.now, stepMs: 1000 });
  try {
    const records = claudeRecords(120);
    await putInput(h.s3, "in/records.jsonl", records);
    const arn = await createJob(h.bedrock);
    clock.advance(1000);
    await waitForStatus(h.bedrock, arn, ["Validating"]);
    // Wait until the input is read before leaving Validating.
    while ((await waitForStatus(h.bedrock, arn, ["Validating"])).totalRecordCount !== 120) {
      await new Promise((r) => setTimeout(r, 10));
    }
    clock.advance(1000);
    await waitForStatus(h.bedrock, arn, ["Scheduled"]);
    clock.advance(1000);
    await waitForStatus(h.bedrock, arn, ["InProgress"]);
    clock.advance(250);
    const running = await h.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: arn }));
    assert.equal(running.processedRecordCount, 30, "a quarter of the step processes a quarter");

    await h.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: arn }));
    const stopping = await h.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: arn }));
    assert.equal(stopping.status, "Stopping");
    assert.equal(stopping.processedRecordCount, 30);
    clock.advance(1000);
    const stopped = await waitForStatus(h.bedrock, arn, ["Stopped"]);
    assert.equal(stopped.processedRecordCount, 30);
    assert.equal(stopped.totalRecordCount, 120);
    assert.equal(stopped.endTime?.getTime(), clock.time);

    const id = jobIdOf(arn);
    const lines = parseLines(await getText(h.s3, `out/${id}/records.jsonl.out`));
    assert.equal(lines.length, 30);
    const expected = records.slice(0, 30).map((r) => r.recordId).sort();
    assert.deepEqual(lines.map((l) => l.recordId).sort(), expected);
    const manifest = JSON.parse(await getText(h.s3, `out/${id}/manifest.json.out`));
    assert.equal(manifest.processedRecordCount, 30);
    assert.equal(manifest.totalRecordCount, 120);

    const again = await h.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: arn }))
      .then(() => undefined, (e) => e);
    assert.ok(again instanceof ValidationException, String(again));
    assert.match(again.message, /already Stopped/);
  } finally {
    await h.close();
  }
});

Deno.test("a job not started before its timeout ends Expired", async () => {
  const clock = new ManualClock();
  const h = await startHarness({ withS3: false, now: clock.now, stepMs: 60 * HOUR });
  try {
    const arn = await createJob(h.bedrock, { timeoutDurationInHours: 24 });
    clock.advance(24 * HOUR);
    const job = await waitForStatus(h.bedrock, arn, ["Expired"]);
    assert.match(job.message ?? "", /timeout of 24 hours/);
    assert.equal(job.endTime?.getTime(), clock.time);
  } finally {
    await h.close();
  }
});

Deno.test("a job whose timeout falls inside InProgress ends PartiallyCompleted", async () => {
  const clock = new ManualClock();
  // Submitted, Validating and Scheduled take 21 h; the 24 h timeout hits 3/7 into InProgress.
  const h = await startHarness({ now: clock.now, stepMs: 7 * HOUR });
  try {
    await putInput(h.s3, "in/records.jsonl", claudeRecords(140));
    const arn = await createJob(h.bedrock);
    clock.advance(7 * HOUR);
    while ((await waitForStatus(h.bedrock, arn, ["Validating"])).totalRecordCount !== 140) {
      await new Promise((r) => setTimeout(r, 10));
    }
    clock.advance(7 * HOUR);
    await waitForStatus(h.bedrock, arn, ["Scheduled"]);
    clock.advance(7 * HOUR);
    await waitForStatus(h.bedrock, arn, ["InProgress"]);
    clock.advance(4 * HOUR);
    const job = await waitForStatus(h.bedrock, arn, ["PartiallyCompleted"]);
    assert.equal(job.processedRecordCount, 60);
    const lines = parseLines(await getText(h.s3, `out/${jobIdOf(arn)}/records.jsonl.out`));
    assert.equal(lines.length, 60);
  } finally {
    await h.close();
  }
});
