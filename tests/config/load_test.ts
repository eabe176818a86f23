import assert from "assert";
import { ConfigError, loadConfig, parseConfig } from "../../src/config/load.ts";

const EXAMPLE_PATH = new URL("../../config.example.yaml", import.meta.url);

const EXAMPLE_ENV: Record<string, string> = {
  AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "example-secret",
  AWS_SESSION_TOKEN: "example-session-token",
  AWS_BATCH_ROLE_ARN: "arn:aws:iam::123456789012:role/FromEnv",
  LITELLM_MASTER_KEY: "sk-example-master",
};

const env = (vars: Record<string, string>) => (name: string) => vars[name];

/** A minimal deployment; `extra` lines are appended to its litellm_params. */
function oneModel(extra = "", modelInfo = "") {
  return `
model_list:
  - model_name: claude
    litellm_params:
      model: bedrock/us.anthropic.claude-3-5-sonnet-20240620-v1:0
      s3_bucket_name: bucket
${extra.split("\n").map((l) => (l ? `      ${l}` : "")).join("\n")}
${modelInfo}
`;
}

/** Runs `fn` while capturing what the logger prints. */
function captureLog(fn: () => void): string[] {
  const lines: string[] = [];
  // The logger prints through console.error; tests read it back here.
  // deno-lint-ignore no-console
  const original = console.error;
  // deno-lint-ignore no-console
  console.error = (line: unknown) => lines.push(String(line));
  try {
    fn();
  } finally {
    // deno-lint-ignore no-console
    console.error = original;
  }
  return lines;
}

Deno.test("loadConfig() loads config.example.yaml when its env vars are set", async () => {
  const config = await loadConfig(EXAMPLE_PATH.pathname, { getEnv: env(EXAMPLE_ENV) });
  assert.deepEqual([...config.modelGroups.keys()], ["bedrock-batch-claude", "bedrock-batch-nova"]);
  assert.equal(config.masterKey, "sk-example-master");
  assert.equal(config.general.batch_poll_interval_seconds, 60);
  assert.equal(config.general.kv_path, "./data/batchgate.kv");

  const [claude, nova] = config.deployments;
  assert.ok(claude && nova);
  assert.equal(claude.modelId, "us.anthropic.claude-3-5-sonnet-20240620-v1:0");
  assert.equal(claude.bedrock.region, "us-west-2");
  assert.deepEqual(claude.bedrock.credentials, {
    accessKeyId: "AKIAEXAMPLE",
    secretAccessKey: "example-secret",
  });
  assert.equal(claude.s3.bucket, "litellm-proxy");
  assert.equal(claude.s3.outputBucket, "litellm-proxy-output");
  assert.equal(claude.s3.prefix, "batchgate/");
  assert.equal(claude.roleArn.endsWith("AmazonBedrockExecutionRoleForAgents_BB9HNW6V4CV"), true);
  assert.equal(claude.minRecords, 100);
  assert.equal(claude.maxFileBytes, 1_000_000_000);
  assert.equal(claude.defaultMaxTokens, 4096);
  assert.equal(claude.modelInfo.mode, "batch");
  assert.equal(claude.modelInfo.input_cost_per_token_batches, 0.0000015);

  assert.equal(nova.modelId, "us.amazon.nova-lite-v1:0");
  assert.equal(nova.roleArn, "arn:aws:iam::123456789012:role/FromEnv");
  assert.equal(nova.bedrock.credentials, undefined, "nova uses the default credential chain");
  assert.equal(nova.s3.outputBucket, "batchgate-us-east-1");
});

Deno.test("config.example.yaml's commented optional keys load once uncommented", async () => {
  const text = await Deno.readTextFile(EXAMPLE_PATH);
  const optional =
    "aws_session_token|aws_profile_name|aws_bedrock_endpoint_url|s3_session_token|s3_endpoint_url|s3_encryption_key_id";
  const uncommented = text.replace(new RegExp(`^(\\s*)# (${optional}):`, "gm"), "$1$2:");
  for (const key of optional.split("|")) {
    assert.match(uncommented, new RegExp(`^\\s+${key}:`, "m"), `${key} is in the example`);
  }
  const claude = parseConfig(uncommented, { getEnv: env(EXAMPLE_ENV) }).deployments[0]!;
  assert.equal(claude.bedrock.credentials?.sessionToken, "example-session-token");
  assert.equal(claude.s3.credentials?.sessionToken, "example-session-token");
  assert.equal(claude.bedrock.profile, "batchgate");
  assert.equal(claude.bedrock.endpoint, "https://bedrock.us-west-2.amazonaws.com");
  assert.equal(claude.s3.endpoint, "http://127.0.0.1:9000");
  assert.match(claude.kmsKeyId ?? "", /^arn:aws:kms:/);
});

Deno.test("parseConfig() names the path of a missing environment variable", () => {
  const yaml = oneModel(
    "aws_batch_role_arn: arn:aws:iam::1:role/R\ns3_secret_access_key: os.environ/S3_SECRET",
  );
  assert.throws(() => parseConfig(yaml, { getEnv: env({}) }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(
      error.message,
      "model_list[0].litellm_params.s3_secret_access_key: environment variable S3_SECRET is not set",
    );
    return true;
  });
});

Deno.test("parseConfig() resolves os.environ/ references anywhere in the file", () => {
  const yaml = oneModel("aws_batch_role_arn: os.environ/ROLE") +
    "general_settings:\n  master_key: os.environ/MASTER\n";
  const config = parseConfig(yaml, {
    getEnv: env({ ROLE: "arn:aws:iam::1:role/R", MASTER: "sk-m" }),
  });
  assert.equal(config.masterKey, "sk-m");
  assert.equal(config.deployments[0]?.roleArn, "arn:aws:iam::1:role/R");
});

Deno.test("parseConfig() names the path and expected type of a wrong value", () => {
  const yaml = oneModel("aws_batch_role_arn: arn:aws:iam::1:role/R") +
    "general_settings:\n  batch_poll_interval_seconds: soon\n";
  assert.throws(
    () => parseConfig(yaml, { getEnv: env({}) }),
    {
      name: "ConfigError",
      message: "general_settings.batch_poll_interval_seconds: expected number, received string",
    },
  );
  assert.throws(
    () => parseConfig("model_list:\n  model_name: x\n", { getEnv: env({}) }),
    { name: "ConfigError", message: "model_list: expected array, received object" },
  );
});

Deno.test("parseConfig() names the path of a missing required key", () => {
  const yaml = "model_list:\n  - litellm_params:\n      model: bedrock/x\n";
  assert.throws(
    () => parseConfig(yaml, { getEnv: env({}) }),
    { name: "ConfigError", message: "model_list[0].model_name: expected string, received nothing" },
  );
  // A batch model cannot run without a bucket: the loader says which key and why.
  const noBucket = `
model_list:
  - model_name: claude
    litellm_params:
      model: bedrock/us.anthropic.claude-3-5-sonnet-20240620-v1:0
      aws_batch_role_arn: arn:aws:iam::1:role/R
    model_info:
      mode: batch
`;
  assert.throws(() => parseConfig(noBucket, { getEnv: env({}) }), {
    name: "ConfigError",
    message:
      "model_list[0].litellm_params.s3_bucket_name: required for a model with model_info.mode batch",
  });
});

Deno.test("parseConfig() warns about unknown keys and does not throw", () => {
  const yaml = oneModel("aws_batch_role_arn: arn:aws:iam::1:role/R\nrpm_unknown_test_key: 5") +
    "litellm_settings:\n  drop_params: true\nunknown_top_level_test_key: 1\n";
  let config;
  const lines = captureLog(() => {
    config = parseConfig(yaml, { getEnv: env({}) });
  });
  assert.equal(config!.deployments.length, 1);
  const warned = lines.map((l) => JSON.parse(l) as { level: string; path?: string })
    .filter((l) => l.level === "warn").map((l) => l.path);
  assert.ok(warned.includes("model_list[0].litellm_params.rpm_unknown_test_key"), String(warned));
  assert.ok(warned.includes("unknown_top_level_test_key"), String(warned));
  assert.ok(!warned.includes("litellm_settings"), "litellm_settings is a known section");
});

Deno.test("parseConfig() groups entries that share a model_name", () => {
  const yaml = `
model_list:
  - model_name: claude
    litellm_params:
      model: bedrock/us.anthropic.claude-3-5-sonnet-20240620-v1:0
      aws_region_name: us-west-2
      s3_bucket_name: west
      aws_batch_role_arn: arn:aws:iam::1:role/R
  - model_name: nova
    litellm_params:
      model: bedrock/us.amazon.nova-lite-v1:0
      s3_bucket_name: east
      aws_batch_role_arn: arn:aws:iam::1:role/R
  - model_name: claude
    litellm_params:
      model: bedrock/converse/us.anthropic.claude-3-5-sonnet-20240620-v1:0
      aws_region_name: us-east-1
      s3_bucket_name: east
      aws_batch_role_arn: arn:aws:iam::1:role/R
`;
  const config = parseConfig(yaml, { getEnv: env({}) });
  assert.deepEqual([...config.modelGroups.keys()], ["claude", "nova"]);
  const claude = config.modelGroups.get("claude")!;
  assert.deepEqual(claude.map((d) => [d.index, d.bedrock.region, d.s3.bucket]), [
    [0, "us-west-2", "west"],
    [2, "us-east-1", "east"],
  ]);
  assert.equal(claude[1]!.modelId, "us.anthropic.claude-3-5-sonnet-20240620-v1:0");
});

Deno.test("parseConfig() falls back to AWS_BATCH_ROLE_ARN and AWS_S3_ENCRYPTION_KEY_ID", () => {
  const config = parseConfig(oneModel(), {
    getEnv: env({
      AWS_BATCH_ROLE_ARN: "arn:aws:iam::1:role/Env",
      AWS_S3_ENCRYPTION_KEY_ID: "arn:aws:kms:us-east-1:1:key/k",
    }),
  });
  const d = config.deployments[0]!;
  assert.equal(d.roleArn, "arn:aws:iam::1:role/Env");
  assert.equal(d.kmsKeyId, "arn:aws:kms:us-east-1:1:key/k");
  // The config wins over the environment.
  const own = parseConfig(
    oneModel("aws_batch_role_arn: arn:aws:iam::1:role/Own\ns3_encryption_key_id: own-key"),
    { getEnv: env({ AWS_BATCH_ROLE_ARN: "x", AWS_S3_ENCRYPTION_KEY_ID: "y" }) },
  ).deployments[0]!;
  assert.equal(own.roleArn, "arn:aws:iam::1:role/Own");
  assert.equal(own.kmsKeyId, "own-key");
});

Deno.test("parseConfig() takes the region from AWS_REGION, then AWS_DEFAULT_REGION", () => {
  const yaml = oneModel("aws_batch_role_arn: arn:aws:iam::1:role/R");
  const region = (vars: Record<string, string>) =>
    parseConfig(yaml, { getEnv: env(vars) }).deployments[0]!.bedrock.region;
  assert.equal(
    region({ AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "eu-central-1" }),
    "eu-west-1",
  );
  assert.equal(region({ AWS_DEFAULT_REGION: "eu-central-1" }), "eu-central-1");
  assert.equal(region({}), "us-east-1");
  const s3Region = parseConfig(yaml, { getEnv: env({ AWS_REGION: "ap-south-1" }) })
    .deployments[0]!.s3.region;
  assert.equal(s3Region, "ap-south-1", "S3 defaults to the Bedrock region");
});

Deno.test("parseConfig() takes endpoints from AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL_BEDROCK", () => {
  const yaml = oneModel("aws_batch_role_arn: arn:aws:iam::1:role/R");
  const d = parseConfig(yaml, {
    getEnv: env({
      AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9000",
      AWS_ENDPOINT_URL_BEDROCK: "http://127.0.0.1:9001",
    }),
  }).deployments[0]!;
  assert.equal(d.s3.endpoint, "http://127.0.0.1:9000");
  assert.equal(d.bedrock.endpoint, "http://127.0.0.1:9001");
  const none = parseConfig(yaml, { getEnv: env({}) }).deployments[0]!;
  assert.equal(none.s3.endpoint, undefined);
  assert.equal(none.bedrock.endpoint, undefined);
});
