import assert from "assert";
import {
  type BedrockClient,
  ListModelInvocationJobsCommand,
  type ListModelInvocationJobsCommandInput,
  paginateListModelInvocationJobs,
  StopModelInvocationJobCommand,
  ValidationException,
} from "@aws-sdk/client-bedrock";
import { createJob, ManualClock, startHarness } from "./_harness.ts";

const NAMES = ["alpha-1", "alpha-2", "beta-1", "beta-2", "beta-3"];

async function names(bedrock: BedrockClient, input: ListModelInvocationJobsCommandInput) {
  const res = await bedrock.send(new ListModelInvocationJobsCommand(input));
  return res.invocationJobSummaries!.map((s) => s.jobName);
}

Deno.test("ListModelInvocationJobs filters by status, name and submit time and sorts by creation", async () => {
  const clock = new ManualClock();
  const h = await startHarness({ withS3: false, now: clock.now, stepMs: 3_600_000 });
  try {
    const arns: string[] = [];
    const times: number[] = [];
    for (const jobName of NAMES) {
      times.push(clock.time);
      arns.push(await createJob(h.bedrock, { jobName }));
      clock.advance(1000);
    }
    await h.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: arns[0] }));

    assert.deepEqual(await names(h.bedrock, {}), [...NAMES].reverse(), "default is Descending");
    assert.deepEqual(
      await names(h.bedrock, { sortBy: "CreationTime", sortOrder: "Ascending" }),
      NAMES,
    );
    assert.deepEqual(await names(h.bedrock, { nameContains: "beta", sortOrder: "Ascending" }), [
      "beta-1",
      "beta-2",
      "beta-3",
    ]);
    assert.deepEqual(await names(h.bedrock, { statusEquals: "Stopping" }), ["alpha-1"]);
    assert.equal((await names(h.bedrock, { statusEquals: "Submitted" })).length, 4);
    assert.deepEqual(await names(h.bedrock, { statusEquals: "Completed" }), []);
    assert.deepEqual(
      await names(h.bedrock, {
        submitTimeAfter: new Date(times[1]!),
        submitTimeBefore: new Date(times[4]!),
        sortOrder: "Ascending",
      }),
      ["beta-1", "beta-2"],
      "both bounds are exclusive",
    );
    const query = h.emulator.requests.at(-1)!.query;
    assert.equal(query.submitTimeAfter, "2026-01-01T00:00:01Z");
  } finally {
    await h.close();
  }
});

Deno.test("ListModelInvocationJobs pages with nextToken through the SDK paginator", async () => {
  const h = await startHarness({ withS3: false, stepMs: 3_600_000 });
  try {
    for (const jobName of NAMES) await createJob(h.bedrock, { jobName });
    const pages: string[][] = [];
    const paginator = paginateListModelInvocationJobs({ client: h.bedrock, pageSize: 2 }, {
      sortOrder: "Ascending",
    });
    for await (const page of paginator) {
      pages.push(page.invocationJobSummaries!.map((s) => s.jobName!));
    }
    assert.deepEqual(pages, [["alpha-1", "alpha-2"], ["beta-1", "beta-2"], ["beta-3"]]);
    const tokens = h.emulator.requests.map((r) => r.query.nextToken).filter(Boolean);
    assert.equal(tokens.length, 2);
  } finally {
    await h.close();
  }
});

Deno.test("ListModelInvocationJobs rejects maxResults outside 1-1000 and foreign nextTokens", async () => {
  const h = await startHarness({ withS3: false });
  try {
    const bad: [ListModelInvocationJobsCommandInput, RegExp][] = [
      [{ maxResults: 0 }, /Value '0' at 'maxResults'.*greater than or equal to 1/],
      [{ maxResults: 1001 }, /Value '1001' at 'maxResults'.*less than or equal to 1000/],
      [{ nextToken: "garbage" }, /nextToken is not a token from an earlier list call/],
      [{ nextToken: btoa('{"v":2}') }, /nextToken is not a token/],
    ];
    for (const [input, message] of bad) {
      const error = await h.bedrock.send(new ListModelInvocationJobsCommand(input))
        .then(() => undefined, (e) => e);
      assert.ok(error instanceof ValidationException, `${JSON.stringify(input)}: ${error}`);
      assert.match(error.message, message);
    }
    const ok = await h.bedrock.send(new ListModelInvocationJobsCommand({ maxResults: 1000 }));
    assert.deepEqual(ok.invocationJobSummaries, []);
    assert.equal(ok.nextToken, undefined);
  } finally {
    await h.close();
  }
});
