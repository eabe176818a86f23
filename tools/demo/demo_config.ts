/**
 * The demo's `config.yaml`: two Bedrock batch model groups pointed at the
 * local s3rver and the Bedrock emulator.
 * @module
 */

/** The bucket s3rver creates for the demo. */
export const DEMO_BUCKET = "batchgate-demo";

/** Model groups of the demo config, by name, with their Bedrock model ids. */
export const DEMO_MODEL_GROUPS = {
  "bedrock-batch-claude": "us.anthropic.claude-3-5-sonnet-20240620-v1:0",
  "bedrock-batch-nova": "us.amazon.nova-lite-v1:0",
} as const;

/** Options of {@linkcode demoConfigYaml}. */
export interface DemoConfigOptions {
  /** s3rver's endpoint, `http://127.0.0.1:PORT`. */
  s3Endpoint: string;
  /** The emulator's endpoint, `http://127.0.0.1:PORT`. */
  bedrockEndpoint: string;
  masterKey: string;
  /** How often Batchgate refreshes running batches, in seconds. */
  pollSeconds: number;
}

/**
 * Writes the demo config as LiteLLM-format YAML, the same format users edit
 * in `config.example.yaml`.
 */
export function demoConfigYaml(options: DemoConfigOptions): string {
  const entries = Object.entries(DEMO_MODEL_GROUPS).map(([group, modelId]) => `
  - model_name: ${group}
    litellm_params:
      model: bedrock/${modelId}
      aws_region_name: us-east-1
      # s3rver accepts any signature made with its default key pair.
      aws_access_key_id: S3RVER
      aws_secret_access_key: S3RVER
      aws_bedrock_endpoint_url: ${options.bedrockEndpoint}
      s3_bucket_name: ${DEMO_BUCKET}
      s3_endpoint_url: ${options.s3Endpoint}
      s3_prefix: batchgate/
      # The emulator checks the ARN's shape only; no role is assumed.
      aws_batch_role_arn: arn:aws:iam::123456789012:role/BatchgateDemo
    model_info:
      mode: batch`).join("\n");
  return `# Written by \`deno task demo\` at every start (the ports change); edits are lost.
model_list:${entries}

general_settings:
  master_key: ${options.masterKey}
  batch_poll_interval_seconds: ${options.pollSeconds}
  batch_lease_seconds: 30
`;
}
