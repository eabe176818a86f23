/**
 * Test helpers for HTTP tests: a config with two model groups, an app over
 * an in-memory store with a manual clock, and request shortcuts.
 *
 * ```ts
 * import { MASTER_KEY, withApp } from "../_helpers/app.ts";
 *
 * Deno.test("GET /v1/models lists the model groups", async () => {
 *   await withApp(async (t) => {
 *     const res = await t.request("GET", "/v1/models", { key: MASTER_KEY });
 *     assert.equal(res.status, 200);
 *   });
 * });
 * ```
 * @module
 */
import type { Hono } from "hono";
import { createApp } from "../../src/api/app.ts";
import type { AppEnv } from "../../src/api/context.ts";
import { AwsClients } from "../../src/aws/clients.ts";
import { type Config, parseConfig } from "../../src/config/load.ts";
import { type AppDeps, closeDeps, createDeps } from "../../src/deps.ts";
import { openDenoKvStore } from "../../src/store/deno_kv_store.ts";
import type { Store } from "../../src/store/store.ts";
import { ManualClock } from "./clock.ts";

/** The master key of {@linkcode TEST_CONFIG_YAML}. */
export const MASTER_KEY = "sk-test-master-key-0000";

/** Start time of the fake clock: 2025-01-01T00:00:00Z. */
export const T0 = Date.UTC(2025, 0, 1);

/**
 * A config with two model groups, `claude` and `nova`, on a fake S3 endpoint
 * and the master key {@linkcode MASTER_KEY}. Nothing in it reads the host's
 * environment.
 */
export const TEST_CONFIG_YAML = `
model_list:
  - model_name: claude
    litellm_params:
      model: bedrock/us.anthropic.claude-3-5-sonnet-20240620-v1:0
      aws_region_name: us-west-2
      aws_access_key_id: test-access-key
      aws_secret_access_key: test-secret-key
      s3_bucket_name: test-bucket
      s3_endpoint_url: http://127.0.0.1:1
      aws_bedrock_endpoint_url: http://127.0.0.1:1
      aws_batch_role_arn: arn:aws:iam::123456789012:role/BedrockBatch
    model_info:
      mode: batch
      input_cost_per_token: 0.000003
      output_cost_per_token: 0.000015
  - model_name: nova
    litellm_params:
      model: bedrock/us.amazon.nova-lite-v1:0
      aws_region_name: us-east-1
      aws_access_key_id: test-access-key
      aws_secret_access_key: test-secret-key
      s3_bucket_name: test-bucket
      s3_endpoint_url: http://127.0.0.1:1
      aws_bedrock_endpoint_url: http://127.0.0.1:1
      aws_batch_role_arn: arn:aws:iam::123456789012:role/BedrockBatch
general_settings:
  master_key: ${MASTER_KEY}
`;

/**
 * Parses a test config. Environment variables come only from `env`, never
 * from the host, so tests do not depend on the machine.
 * @param yaml config text (default {@linkcode TEST_CONFIG_YAML})
 * @param env variables that `os.environ/` references and fallbacks may read
 */
export function testConfig(
  yaml: string = TEST_CONFIG_YAML,
  env: Record<string, string> = {},
): Config {
  return parseConfig(yaml, { getEnv: (name) => env[name] });
}

export { ManualClock };

/** Options of {@linkcode TestApp.request}. */
export interface RequestOptions {
  /** Sent as `Authorization: Bearer <key>` unless `header` says otherwise. */
  key?: string;
  /** Which header carries `key` (default `authorization`). */
  header?: "authorization" | "x-litellm-api-key" | "api-key";
  /** A JSON body (objects are serialized; strings are sent as they are). */
  body?: unknown;
}

/** What {@linkcode withApp} hands to a test. */
export interface TestApp {
  app: Hono<AppEnv>;
  store: Store;
  deps: AppDeps;
  clock: ManualClock;
  /** Sends a request to the app; see {@linkcode RequestOptions}. */
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  /** Sends a request and parses the JSON answer, asserting nothing. */
  json(
    method: string,
    path: string,
    options?: RequestOptions,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** `POST /key/generate` with the master key; returns the raw key and the response body. */
  generateKey(
    body?: Record<string, unknown>,
  ): Promise<{ key: string; body: Record<string, unknown> }>;
}

/** Options of {@linkcode withApp}. */
export interface WithAppOptions {
  /** Config (default `testConfig()`). */
  config?: Config;
  /** Start of the fake clock (default {@linkcode T0}). */
  now?: number;
  /** AWS clients (default a fresh `AwsClients`, destroyed afterwards; a passed one is not). */
  aws?: AwsClients;
  /** A Deno KV file to open (default `:memory:`); two apps on one file act as two instances. */
  kvPath?: string;
}

/**
 * Runs `fn` with an app over a fresh `:memory:` store (or `options.kvPath`). Afterwards, even
 * when `fn` throws, it waits for background tasks, then closes the store and the AWS clients it
 * made.
 */
export async function withApp(
  fn: (t: TestApp) => Promise<void>,
  options: WithAppOptions = {},
): Promise<void> {
  const store = await openDenoKvStore(options.kvPath ?? ":memory:");
  const clock = new ManualClock(options.now ?? T0);
  const deps = createDeps({
    config: options.config ?? testConfig(),
    store,
    aws: options.aws ?? new AwsClients(),
    clock,
    instanceId: "test-instance",
  });
  const app = createApp(deps);
  const request = async (method: string, path: string, o: RequestOptions = {}) => {
    const headers = new Headers();
    if (o.key !== undefined) {
      const header = o.header ?? "authorization";
      headers.set(header, header === "authorization" ? `Bearer ${o.key}` : o.key);
    }
    let body: string | undefined;
    if (o.body !== undefined) {
      body = typeof o.body === "string" ? o.body : JSON.stringify(o.body);
      headers.set("content-type", "application/json");
    }
    return await app.request(path, { method, headers, body });
  };
  const json = async (method: string, path: string, o: RequestOptions = {}) => {
    const res = await request(method, path, o);
    return { status: res.status, body: await res.json() as Record<string, unknown> };
  };
  const t: TestApp = {
    app,
    store,
    deps,
    clock,
    request,
    json,
    async generateKey(body = {}) {
      const res = await json("POST", "/key/generate", { key: MASTER_KEY, body });
      if (res.status !== 200) {
        throw new Error(`Cannot generate key: ${res.status} ${JSON.stringify(res.body)}`);
      }
      return { key: String(res.body.key), body: res.body };
    },
  };
  try {
    await fn(t);
  } finally {
    await closeDeps(deps, { keepAws: options.aws !== undefined });
  }
}

/** The `error` object of an OpenAI-shaped error body. */
export function errorOf(body: Record<string, unknown>): Record<string, unknown> {
  const error = body.error;
  if (!error || typeof error !== "object") {
    throw new Error(`Expected an OpenAI error body, got ${JSON.stringify(body)}`);
  }
  return error as Record<string, unknown>;
}
