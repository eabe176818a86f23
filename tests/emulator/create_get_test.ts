import assert from "assert";
import {
  ConflictException,
  GetModelInvocationJobCommand,
  ListModelInvocationJobsCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-bedrock";
import {
  BUCKET,
  CLAUDE,
  claudeRecords,
  createJob,
  getText,
  jobIdOf,
  parseLines,
  putInput,
  ROLE_ARN,
  startHarness,
} from "./_harness.ts";

Deno.test("emulator runs a job to Completed and writes shuffled .out lines and a manifest", async () => {
  const h = await startHarness({ stepMs: 60 });
  try {
    const records = claudeRecords(120);
    await putInput(h.s3, "in/records.jsonl", records);
    const arn = await createJob(h.bedrock, { jobName: "happy-path", timeoutDurationInHours: 48 });
    assert.match(
      arn,
      /^arn:aws:bedrock:us-east-1:123456789012:model-invocation-job\/[a-z0-9]{12}$/,
    );

    const first = await h.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: arn }));
    assert.equal(first.status, "Submitted");
    assert.equal(first.jobName, "happy-path");
    assert.equal(first.modelId, CLAUDE);
    assert.equal(first.roleArn, ROLE_ARN);
    assert.equal(first.timeoutDurationInHours, 48);
    assert.equal(first.modelInvocationType, "InvokeModel");
    assert.ok(first.submitTime instanceof Date);
    assert.equal(
      first.jobExpirationTime!.getTime() - first.submitTime.getTime(),
      48 * 3_600_000,
    );
    assert.deepEqual(first.inputDataConfig, {
      s3InputDataConfig: { s3Uri: `s3://${BUCKET}/in/records.jsonl` },
    });
    assert.equal(first.endTime, undefined);

    const seen = new Set<string>();
    let job = first;
    while (job.status !== "Completed") {
      seen.add(job.status!);
      assert.ok(!["Failed", "Stopped", "PartiallyCompleted"].includes(job.status!), job.message);
      await new Promise((r) => setTimeout(r, 10));
      job = await h.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: arn }));
    }
    for (const s of ["Submitted", "Validating", "Scheduled", "InProgress"]) {
      assert.ok(seen.has(s), s);
    }
    assert.equal(job.totalRecordCount, 120);
    assert.equal(job.processedRecordCount, 120);
    assert.equal(job.successRecordCount, 120);
    assert.equal(job.errorRecordCount, 0);
    assert.ok(job.endTime instanceof Date);
    assert.equal(job.lastModifiedTime!.getTime(), job.endTime.getTime());

    const id = jobIdOf(arn);
    const lines = parseLines(await getText(h.s3, `out/${id}/records.jsonl.out`));
    assert.equal(lines.length, 120);
    assert.notDeepEqual(
      lines.map((l) => l.recordId),
      records.map((r) => r.recordId),
      "output order should be shuffled",
    );
    const byId = new Map(lines.map((l) => [l.recordId as string, l]));
    for (const r of records) {
      const line = byId.get(r.recordId);
      assert.ok(line, r.recordId);
      assert.deepEqual(Object.keys(line), ["recordId", "modelInput", "modelOutput"]);
      assert.deepEqual(line.modelInput, r.modelInput);
      const output = line.modelOutput as Record<string, unknown>;
      assert.equal(output.type, "message");
      assert.equal(output.model, "claude-3-haiku-20240307");
      assert.deepEqual(output.content, [{
        type: "text",
        text: `Emulated reply to: ${
          (r.modelInput.messages as { content: { text: string }[] }[])[0]!
            .content[0]!.text
        }`,
      }]);
    }
    const manifest = JSON.parse(await getText(h.s3, `out/${id}/manifest.json.out`));
    assert.equal(manifest.totalRecordCount, 120);
    assert.equal(manifest.processedRecordCount, 120);
    assert.equal(manifest.successRecordCount, 120);
    assert.equal(manifest.errorRecordCount, 0);
    const usage = lines.map((l) => (l.modelOutput as { usage: Record<string, number> }).usage);
    assert.equal(manifest.inputTokenCount, usage.reduce((n, u) => n + u.input_tokens!, 0));
    assert.equal(manifest.outputTokenCount, usage.reduce((n, u) => n + u.output_tokens!, 0));
    assert.ok(manifest.outputTokenCount > 0);

    const list = await h.bedrock.send(new ListModelInvocationJobsCommand({}));
    assert.equal(list.invocationJobSummaries?.length, 1);
    assert.equal(list.invocationJobSummaries![0]!.jobArn, arn);
    assert.equal(list.invocationJobSummaries![0]!.status, "Completed");
    assert.equal(list.invocationJobSummaries![0]!.successRecordCount, 120);
  } finally {
    await h.close();
  }
});

Deno.test("emulator finds a job by full ARN and by bare id, and records decoded paths", async () => {
  const h = await startHarness({ withS3: false, stepMs: 60_000 });
  try {
    const arn = await createJob(h.bedrock);
    const byArn = await h.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: arn }));
    const byId = await h.bedrock.send(
      new GetModelInvocationJobCommand({ jobIdentifier: jobIdOf(arn) }),
    );
    assert.equal(byArn.jobArn, arn);
    assert.equal(byId.jobArn, arn);
    const paths = h.emulator.requests.map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(paths, [
      "POST /model-invocation-job",
      `GET /model-invocation-job/${arn}`,
      `GET /model-invocation-job/${jobIdOf(arn)}`,
    ]);
    const create = h.emulator.requests[0]!;
    assert.equal((create.body as Record<string, unknown>).roleArn, ROLE_ARN);
    assert.match(create.headers["authorization"] ?? "", /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/);

    const res = await fetch(`${h.emulator.url}/_emulator/requests`);
    assert.equal((await res.json()).length, 3);
    const cleared = await fetch(`${h.emulator.url}/_emulator/requests`, { method: "DELETE" });
    await cleared.body?.cancel();
    assert.equal(h.emulator.requests.length, 0);
    const health = await fetch(`${h.emulator.url}/_emulator/health`);
    assert.equal((await health.json()).status, "ok");
    assert.equal(h.emulator.requests.length, 0, "control routes are not recorded");
  } finally {
    await h.close();
  }
});

Deno.test("emulator answers an unknown job with ResourceNotFoundException", async () => {
  const h = await startHarness({ withS3: false });
  try {
    const other = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/zzzzzzzzzzzz";
    for (const jobIdentifier of ["abcdefghijkl", other]) {
      const error = await h.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier }))
        .then(() => undefined, (e) => e);
      assert.ok(error instanceof ResourceNotFoundException, String(error));
      assert.equal(error.$metadata.httpStatusCode, 404);
      assert.ok(error.$metadata.requestId, "x-amzn-RequestId is sent");
    }
  } finally {
    await h.close();
  }
});

Deno.test("emulator returns the same job for a repeated clientRequestToken", async () => {
  const h = await startHarness({ withS3: false, stepMs: 60_000 });
  try {
    const request = { jobName: "idem", clientRequestToken: "token-1" };
    const first = await createJob(h.bedrock, request);
    const again = await createJob(h.bedrock, request);
    assert.equal(again, first);
    const list = await h.bedrock.send(new ListModelInvocationJobsCommand({}));
    assert.equal(list.invocationJobSummaries?.length, 1);
    const job = await h.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: first }));
    assert.equal(job.clientRequestToken, "token-1");

    const mismatch = await createJob(h.bedrock, { ...request, timeoutDurationInHours: 72 })
      .then(() => undefined, (e) => e);
    assert.ok(mismatch instanceof ConflictException, String(mismatch));
    assert.match(mismatch.message, /token was already used with different parameters/);

    const sameName = await createJob(h.bedrock, { jobName: "idem", clientRequestToken: "token-2" })
      .then(() => undefined, (e) => e);
    assert.ok(sameName instanceof ConflictException, String(sameName));
    assert.match(sameName.message, /a job named idem already exists/);
  } finally {
    await h.close();
  }
});
