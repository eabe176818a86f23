import assert from "assert";
import { parseConfig } from "../../src/config/load.ts";
import { DEMO_BUCKET, demoConfigYaml } from "../../tools/demo/demo_config.ts";

Deno.test("demoConfigYaml() loads as two batch model groups on the local endpoints", () => {
  const config = parseConfig(
    demoConfigYaml({
      s3Endpoint: "http://127.0.0.1:4569",
      bedrockEndpoint: "http://127.0.0.1:4010",
      masterKey: "sk-demo-abc",
      pollSeconds: 0.5,
    }),
    { getEnv: () => undefined },
  );
  assert.equal(config.masterKey, "sk-demo-abc");
  assert.equal(config.general.batch_poll_interval_seconds, 0.5);
  assert.deepEqual([...config.modelGroups.keys()], ["bedrock-batch-claude", "bedrock-batch-nova"]);
  assert.deepEqual(config.deployments.map((d) => d.modelId), [
    "us.anthropic.claude-3-5-sonnet-20240620-v1:0",
    "us.amazon.nova-lite-v1:0",
  ]);
  for (const d of config.deployments) {
    assert.equal(d.modelInfo.mode, "batch");
    assert.equal(d.s3.endpoint, "http://127.0.0.1:4569");
    assert.equal(d.s3.bucket, DEMO_BUCKET);
    assert.equal(d.bedrock.endpoint, "http://127.0.0.1:4010");
    assert.match(d.roleArn, /^arn:aws:iam::\d{12}:role\//);
  }
});
