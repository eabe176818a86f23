import assert from "assert";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import {
  chatLines,
  generateKey,
  parseJsonl,
  STACK_BUCKET,
  startStack,
  uploadJsonl,
  waitForBatch,
} from "../_helpers/stack.ts";

Deno.test("a batch runs end to end through the openai SDK, S3 and the Bedrock emulator", async () => {
  const stack = await startStack();
  try {
    const client = stack.client();
    const text = chatLines(120, {
      customId: (i) => (i === 0 ? "id with spaces/and/slashes ünïcödé 🚀" : `request-${i}`),
      text: (i) => (i % 40 === 7 ? `please EMULATOR_FAIL ${i}` : `Question ${i}?`),
    });
    const file = await uploadJsonl(client, text, { target_model_names: "bedrock-batch-claude" });
    assert.match(file.id, /^file-[0-9a-z]{26}$/);
    assert.equal(file.bytes, new TextEncoder().encode(text).length);
    assert.equal(file.purpose, "batch");

    // The content is exactly the uploaded bytes.
    const content = await (await client.files.content(file.id)).text();
    assert.equal(content, text);

    // S3 holds the Bedrock JSONL: recordIds, modelInput in Claude's format, no model key.
    const listed = await stack.s3.send(
      new ListObjectsV2Command({ Bucket: STACK_BUCKET, Prefix: `batchgate/files/${file.id}/` }),
    );
    const keys = (listed.Contents ?? []).map((o) => o.Key).sort();
    assert.deepEqual(keys, [
      `batchgate/files/${file.id}/bedrock/00001.jsonl`,
      `batchgate/files/${file.id}/original/00001.zst`,
      `batchgate/files/${file.id}/records.jsonl`,
    ]);
    // The original is kept zstd-compressed; the content route above returned it decompressed.
    const originalObj = await stack.s3.send(
      new GetObjectCommand({
        Bucket: STACK_BUCKET,
        Key: `batchgate/files/${file.id}/original/00001.zst`,
      }),
    );
    const packed = await originalObj.Body!.transformToByteArray();
    assert.deepEqual([...packed.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd]);
    assert.ok(packed.length < new TextEncoder().encode(text).length);
    const bedrockObj = await stack.s3.send(
      new GetObjectCommand({
        Bucket: STACK_BUCKET,
        Key: `batchgate/files/${file.id}/bedrock/00001.jsonl`,
      }),
    );
    const records = parseJsonl(await bedrockObj.Body!.transformToString());
    assert.equal(records.length, 120);
    assert.equal(records[0]!.recordId, "R0000000000");
    const input0 = records[0]!.modelInput as Record<string, unknown>;
    assert.equal(input0.anthropic_version, "bedrock-2023-05-31");
    assert.equal(input0.system, "You are a helpful assistant.");
    assert.equal(input0.model, undefined);
    assert.equal(input0.max_tokens, 100);

    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
      metadata: { description: "e2e" },
    });
    assert.match(created.id, /^batch_/);
    assert.equal(created.input_file_id, file.id);
    assert.deepEqual(created.metadata, { description: "e2e" });
    assert.equal(created.request_counts?.total, 120);

    const done = await waitForBatch(client, created.id);
    assert.equal(done.status, "completed");
    assert.deepEqual(done.request_counts, { total: 120, completed: 117, failed: 3 });
    assert.ok(done.completed_at && done.completed_at >= done.created_at);
    assert.ok(done.created_at < 1e11, "timestamps are in seconds");
    assert.ok(done.output_file_id && done.error_file_id);
    assert.ok((done.usage?.input_tokens ?? 0) > 0);
    // An ended batch is then answered from memory: the same object, and still only for its owner.
    assert.deepEqual(await client.batches.retrieve(created.id), done);
    const stranger = stack.client(await generateKey(stack));
    const hidden = await stranger.batches.retrieve(created.id).then(
      () => assert.fail("another key should get 404"),
      (e) => e,
    );
    assert.equal(hidden.status, 404);

    const output = parseJsonl(await (await client.files.content(done.output_file_id)).text());
    assert.equal(output.length, 117);
    const byId = new Map(output.map((l) => [l.custom_id as string, l]));
    const first = byId.get("id with spaces/and/slashes ünïcödé 🚀")!;
    assert.ok(first, "custom_id with any characters survives");
    const response = first.response as { status_code: number; body: Record<string, unknown> };
    assert.equal(response.status_code, 200);
    assert.equal(response.body.object, "chat.completion");
    assert.equal(response.body.model, "bedrock-batch-claude");
    const choice = (response.body.choices as Record<string, unknown>[])[0]!;
    assert.equal(choice.finish_reason, "stop");
    assert.match(
      String((choice.message as Record<string, unknown>).content),
      /id with spaces|Question 0/,
    );
    assert.equal(first.error, null);

    const errors = parseJsonl(await (await client.files.content(done.error_file_id)).text());
    assert.equal(errors.length, 3);
    for (const e of errors) {
      const r = e.response as { status_code: number; body: { error: { message: string } } };
      assert.equal(r.status_code, 400);
      assert.match(r.body.error.message, /Emulated model error/);
    }
    assert.deepEqual(
      errors.map((e) => e.custom_id).sort(),
      ["request-7", "request-47", "request-87"].sort(),
    );

    const outputFile = await client.files.retrieve(done.output_file_id);
    assert.equal(outputFile.purpose, "batch_output");

    // Exactly one Create, with the fields Bedrock needs.
    const creates = stack.emulator.requests.filter((r) =>
      r.method === "POST" && r.path === "/model-invocation-job"
    );
    assert.equal(creates.length, 1);
    const body = creates[0]!.body as Record<string, unknown>;
    assert.equal(body.modelId, "us.anthropic.claude-3-5-sonnet-20240620-v1:0");
    assert.equal(body.roleArn, "arn:aws:iam::123456789012:role/BatchgateE2E");
    assert.equal(body.timeoutDurationInHours, 24);
    assert.match(String(body.clientRequestToken), /^batchgate-/);
    assert.deepEqual(body.inputDataConfig, {
      s3InputDataConfig: {
        s3InputFormat: "JSONL",
        // The folder: Bedrock runs every .jsonl object in it.
        s3Uri: `s3://${STACK_BUCKET}/batchgate/files/${file.id}/bedrock/`,
      },
    });

    // Listing.
    const page = await client.batches.list({ limit: 10 });
    assert.equal(page.data[0]!.id, created.id);
    const files = await client.files.list();
    assert.ok(files.data.some((f) => f.id === file.id));
  } finally {
    await stack.close();
  }
});
