import assert from "assert";
import {
  type CreateModelInvocationJobCommandInput,
  GetModelInvocationJobCommand,
  ValidationException,
} from "@aws-sdk/client-bedrock";
import { createJob, startHarness } from "./_harness.ts";

const CASES: [string, Partial<CreateModelInvocationJobCommandInput>, string][] = [
  [
    "timeoutDurationInHours below 24",
    { timeoutDurationInHours: 12 },
    "1 validation error detected: Value '12' at 'timeoutDurationInHours' failed to satisfy constraint: Member must have value greater than or equal to 24",
  ],
  [
    "timeoutDurationInHours above 168",
    { timeoutDurationInHours: 169 },
    "1 validation error detected: Value '169' at 'timeoutDurationInHours' failed to satisfy constraint: Member must have value less than or equal to 168",
  ],
  [
    "a jobName with a space",
    { jobName: "my job" },
    "1 validation error detected: Value 'my job' at 'jobName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63}",
  ],
  [
    "a jobName over 63 characters",
    { jobName: "a".repeat(64) },
    "at 'jobName' failed to satisfy constraint: Member must have length less than or equal to 63",
  ],
  [
    "a roleArn that is no IAM role",
    { roleArn: "arn:aws:iam::123456789012:user/me" },
    "at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws(-[^:]+)?:iam::",
  ],
  [
    "a modelId with upper-case dots",
    { modelId: "Anthropic.Claude v2" },
    "Value 'Anthropic.Claude v2' at 'modelId' failed to satisfy constraint: Member must satisfy regular expression pattern",
  ],
  [
    "an input s3Uri with an upper-case bucket",
    { inputDataConfig: { s3InputDataConfig: { s3Uri: "s3://MyBucket/in.jsonl" } } },
    "Value 's3://MyBucket/in.jsonl' at 'inputDataConfig.s3InputDataConfig.s3Uri' failed to satisfy constraint: Member must satisfy regular expression pattern: s3://",
  ],
  [
    "a malformed KMS key id",
    {
      outputDataConfig: {
        s3OutputDataConfig: { s3Uri: "s3://bucket/out/", s3EncryptionKeyId: "not a key" },
      },
    },
    "at 'outputDataConfig.s3OutputDataConfig.s3EncryptionKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern",
  ],
  [
    "a clientRequestToken with underscores",
    { clientRequestToken: "bad_token" },
    "Value 'bad_token' at 'clientRequestToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}",
  ],
  [
    "201 tags",
    { tags: Array.from({ length: 201 }, (_, i) => ({ key: `k${i}`, value: "v" })) },
    "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 200",
  ],
  [
    "a tag value with a forbidden character",
    { tags: [{ key: "team", value: "a&b" }] },
    "Value 'a&b' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9\\s._:/=+@-]*",
  ],
  [
    "six security groups",
    {
      vpcConfig: {
        subnetIds: ["subnet-1"],
        securityGroupIds: ["sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"],
      },
    },
    "at 'vpcConfig.securityGroupIds' failed to satisfy constraint: Member must have length less than or equal to 5",
  ],
  [
    "an unknown modelInvocationType",
    { modelInvocationType: "Chat" as "Converse" },
    "Value 'Chat' at 'modelInvocationType' failed to satisfy constraint: Member must satisfy enum value set: [InvokeModel, Converse]",
  ],
  [
    "an empty input union",
    { inputDataConfig: {} as { s3InputDataConfig: { s3Uri: string } } },
    "at 'inputDataConfig' failed to satisfy constraint: Member must have exactly one of these members set: [s3InputDataConfig]",
  ],
  [
    "a model the emulator cannot reply as",
    { modelId: "cohere.command-r-v1:0" },
    "The provided model identifier is invalid",
  ],
];

Deno.test("CreateModelInvocationJob rejects invalid members with Coral-style ValidationExceptions", async () => {
  const h = await startHarness({ withS3: false, stepMs: 60_000 });
  try {
    for (const [name, overrides, message] of CASES) {
      const error = await createJob(h.bedrock, overrides).then(() => undefined, (e) => e);
      assert.ok(error instanceof ValidationException, `${name}: ${error}`);
      assert.equal(error.$metadata.httpStatusCode, 400, name);
      assert.ok(error.message.includes(message), `${name}: ${error.message}`);
      assert.ok(error.$metadata.requestId, name);
    }
  } finally {
    await h.close();
  }
});

Deno.test("CreateModelInvocationJob lists every violation in one message", async () => {
  const h = await startHarness({ withS3: false, stepMs: 60_000 });
  try {
    const error = await createJob(h.bedrock, {
      jobName: "bad name",
      timeoutDurationInHours: 1,
      roleArn: "role",
    }).then(() => undefined, (e) => e);
    assert.ok(error instanceof ValidationException);
    assert.match(error.message, /^3 validation errors detected: Value 'bad name' at 'jobName'/);
    assert.equal(error.message.split("; ").length, 3);
  } finally {
    await h.close();
  }
});

Deno.test("CreateModelInvocationJob accepts profile ids, ARNs and every optional member", async () => {
  const h = await startHarness({ withS3: false, stepMs: 60_000 });
  try {
    const modelIds = [
      "us.anthropic.claude-3-5-haiku-20241022-v1:0",
      "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
      "arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.meta.llama3-2-1b-instruct-v1:0",
      "mistral.mistral-large-2402-v1:0",
      "amazon.titan-embed-text-v2:0",
    ];
    for (const modelId of modelIds) {
      const arn = await createJob(h.bedrock, {
        modelId,
        clientRequestToken: crypto.randomUUID(),
        timeoutDurationInHours: 168,
        tags: [{ key: "team:ml", value: "batch jobs" }],
        vpcConfig: { subnetIds: ["subnet-0abc"], securityGroupIds: ["sg-0abc"] },
        modelInvocationType: "InvokeModel",
        inputDataConfig: {
          s3InputDataConfig: {
            s3Uri: "s3://my-bucket/in/",
            s3InputFormat: "JSONL",
            s3BucketOwner: "123456789012",
          },
        },
        outputDataConfig: {
          s3OutputDataConfig: { s3Uri: "s3://my-bucket/out", s3EncryptionKeyId: "alias/batch" },
        },
      });
      const job = await h.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: arn }));
      assert.equal(job.modelId, modelId);
      assert.deepEqual(job.vpcConfig, {
        subnetIds: ["subnet-0abc"],
        securityGroupIds: ["sg-0abc"],
      });
      assert.equal(job.outputDataConfig?.s3OutputDataConfig?.s3EncryptionKeyId, "alias/batch");
    }
  } finally {
    await h.close();
  }
});

Deno.test("emulator answers malformed bodies and identifiers with 400s, never a body code key", async () => {
  const h = await startHarness({ withS3: false, stepMs: 60_000 });
  try {
    const bad = await fetch(`${h.emulator.url}/model-invocation-job`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get("x-amzn-errortype"), "SerializationException");
    const body = await bad.json();
    assert.deepEqual(Object.keys(body).sort(), ["__type", "message"]);

    const error = await h.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: "nope" }))
      .then(() => undefined, (e) => e);
    assert.ok(error instanceof ValidationException, String(error));
    assert.match(error.message, /at 'jobIdentifier' failed to satisfy constraint/);

    const unknown = await fetch(`${h.emulator.url}/custom-models`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers.get("x-amzn-errortype"), "UnknownOperationException");
    assert.ok(unknown.headers.get("x-amzn-requestid"));
    await unknown.body?.cancel();
  } finally {
    await h.close();
  }
});
