import assert from "assert";
import { ServiceQuotaExceededException } from "@aws-sdk/client-bedrock";
import {
  BUCKET,
  claudeInput,
  claudeRecords,
  createJob,
  getText,
  jobIdOf,
  parseLines,
  putInput,
  startHarness,
  waitForStatus,
} from "./_harness.ts";

const FINAL = ["Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired"];

Deno.test("a job with fewer records than minRecords fails validation naming the minimum", async () => {
  const h = await startHarness({ stepMs: 40 });
  try {
    await putInput(h.s3, "in/records.jsonl", claudeRecords(99));
    const arn = await createJob(h.bedrock);
    const job = await waitForStatus(h.bedrock, arn, FINAL);
    assert.equal(job.status, "Failed");
    assert.match(job.message ?? "", /99 records, below the minimum number of records .*\(100\)/);
    assert.ok(job.endTime instanceof Date);
  } finally {
    await h.close();
  }
});

Deno.test("a job fails on a malformed line or a missing input", async () => {
  const h = await startHarness({ stepMs: 40, minRecords: 1 });
  try {
    const good = JSON.stringify(claudeRecords(1)[0]);
    const cases: [string, string, RegExp][] = [
      ["in/notjson.jsonl", `${good}\n{not json\n`, /line 2 of notjson\.jsonl is not valid JSON/],
      [
        "in/nomodelinput.jsonl",
        `${good}\n{"recordId":"x","modelInput":"text"}\n`,
        /line 2 of nomodelinput\.jsonl is not a JSON object with a modelInput object/,
      ],
      ["in/array.jsonl", `[1,2]\n`, /line 1 of array\.jsonl is not a JSON object/],
    ];
    for (const [key, body] of cases) await putInput(h.s3, key, body);
    cases.push(["in/missing.jsonl", "", /cannot read input s3:\/\/.*missing\.jsonl: NoSuchKey/]);
    cases.push(["in/empty-folder/", "", /no \.jsonl input files found/]);
    const arns = await Promise.all(cases.map(([key]) =>
      createJob(h.bedrock, {
        inputDataConfig: { s3InputDataConfig: { s3Uri: `s3://${BUCKET}/${key}` } },
      })
    ));
    for (const [i, arn] of arns.entries()) {
      const job = await waitForStatus(h.bedrock, arn, FINAL);
      assert.equal(job.status, "Failed", cases[i]![0]);
      assert.match(job.message ?? "", cases[i]![2]);
    }
  } finally {
    await h.close();
  }
});

Deno.test("EMULATOR_FAIL records get error lines and EMULATOR_SLOW makes the job PartiallyCompleted", async () => {
  const h = await startHarness({ stepMs: 40 });
  try {
    const records = claudeRecords(110, (i) => i % 10 === 3 ? " EMULATOR_FAIL" : "");
    const slow = claudeRecords(2, () => " EMULATOR_SLOW").map((r, i) => ({
      ...r,
      recordId: `SLOW${i}`,
    }));
    await putInput(h.s3, "in/records.jsonl", [...records, ...slow]);
    const arn = await createJob(h.bedrock);
    const job = await waitForStatus(h.bedrock, arn, FINAL);
    assert.equal(job.status, "PartiallyCompleted");
    assert.equal(job.totalRecordCount, 112);
    assert.equal(job.processedRecordCount, 110);
    assert.equal(job.errorRecordCount, 11);
    assert.equal(job.successRecordCount, 99);

    const id = jobIdOf(arn);
    const lines = parseLines(await getText(h.s3, `out/${id}/records.jsonl.out`));
    assert.equal(lines.length, 110);
    assert.ok(!lines.some((l) => String(l.recordId).startsWith("SLOW")));
    const failed = lines.filter((l) => "error" in l);
    assert.equal(failed.length, 11);
    for (const line of failed) {
      assert.deepEqual(Object.keys(line), ["recordId", "modelInput", "error"]);
      assert.deepEqual(line.error, {
        errorCode: 400,
        errorMessage: "Emulated model error for this record",
      });
      assert.match(JSON.stringify(line.modelInput), /EMULATOR_FAIL/);
    }
    const manifest = JSON.parse(await getText(h.s3, `out/${id}/manifest.json.out`));
    assert.deepEqual(
      [manifest.totalRecordCount, manifest.processedRecordCount, manifest.errorRecordCount],
      [112, 110, 11],
    );
  } finally {
    await h.close();
  }
});

Deno.test("a prefix input gets one .out per .jsonl file and generated 11-character record ids", async () => {
  const h = await startHarness({ stepMs: 40 });
  try {
    const withoutIds = Array.from({ length: 50 }, (_, i) => ({ modelInput: claudeInput(`b${i}`) }));
    await putInput(h.s3, "batch/a.jsonl", claudeRecords(60));
    await putInput(h.s3, "batch/b.jsonl", withoutIds);
    await putInput(h.s3, "batch/notes.txt", "not an input file");
    const arn = await createJob(h.bedrock, {
      inputDataConfig: { s3InputDataConfig: { s3Uri: `s3://${BUCKET}/batch` } },
      outputDataConfig: { s3OutputDataConfig: { s3Uri: `s3://${BUCKET}/results` } },
    });
    const job = await waitForStatus(h.bedrock, arn, FINAL);
    assert.equal(job.status, "Completed", job.message);
    assert.equal(job.totalRecordCount, 110);
    const id = jobIdOf(arn);
    const a = parseLines(await getText(h.s3, `results/${id}/a.jsonl.out`));
    const b = parseLines(await getText(h.s3, `results/${id}/b.jsonl.out`));
    assert.equal(a.length, 60);
    assert.equal(b.length, 50);
    for (const line of b) assert.match(String(line.recordId), /^[A-Z0-9]{11}$/);
    assert.equal(new Set(b.map((l) => l.recordId)).size, 50);
  } finally {
    await h.close();
  }
});

Deno.test("outputs are written with SSE-KMS headers when the job names a key", async () => {
  const h = await startHarness({ stepMs: 40, proxyS3: true });
  try {
    await putInput(h.s3, "in/records.jsonl", claudeRecords(100));
    const keyId = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const arn = await createJob(h.bedrock, {
      outputDataConfig: {
        s3OutputDataConfig: { s3Uri: `s3://${BUCKET}/out/`, s3EncryptionKeyId: keyId },
      },
    });
    const job = await waitForStatus(h.bedrock, arn, FINAL);
    assert.equal(job.status, "Completed", job.message);
    const puts = h.s3Calls.filter((c) => c.method === "PUT");
    assert.deepEqual(puts.map((c) => c.path).sort(), [
      `/${BUCKET}/out/${jobIdOf(arn)}/manifest.json.out`,
      `/${BUCKET}/out/${jobIdOf(arn)}/records.jsonl.out`,
    ]);
    for (const put of puts) {
      assert.equal(put.headers["x-amz-server-side-encryption"], "aws:kms");
      assert.equal(put.headers["x-amz-server-side-encryption-aws-kms-key-id"], keyId);
    }
  } finally {
    await h.close();
  }
});

Deno.test("CreateModelInvocationJob beyond maxConcurrentJobs throws ServiceQuotaExceededException", async () => {
  const h = await startHarness({ withS3: false, stepMs: 60_000, maxConcurrentJobs: 2 });
  try {
    await createJob(h.bedrock);
    await createJob(h.bedrock);
    const error = await createJob(h.bedrock).then(() => undefined, (e) => e);
    assert.ok(error instanceof ServiceQuotaExceededException, String(error));
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.match(error.message, /quota is 2/);
  } finally {
    await h.close();
  }
});
