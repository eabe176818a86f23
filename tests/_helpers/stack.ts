/**
 * End-to-end stack for tests: a real s3rver behind a recording proxy, the
 * Bedrock emulator, and Batchgate (in this process or as a child process),
 * driven by the official `openai` SDK.
 * @module
 */
import OpenAI, { toFile } from "openai";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { BedrockClient, ListModelInvocationJobsCommand } from "@aws-sdk/client-bedrock";
import { type RunningS3rver, startS3rver } from "../../tools/demo/s3rver.ts";
import { type RunningEmulator, startEmulator } from "../../tools/emulator/server.ts";
import { loadConfig } from "../../src/config/load.ts";
import { type RunningBatchgate, startBatchgate } from "../../src/server.ts";
import { AwsClients } from "../../src/aws/clients.ts";
import { setLogLevel } from "../../src/log.ts";
import { readBatchgateUrl } from "../../tools/demo/spawn_listening.ts";

/** The master key of every stack. */
export const STACK_MASTER_KEY = "sk-stack-master";
/** The bucket Batchgate writes into. */
export const STACK_BUCKET = "batchgate-e2e";
/** A KMS key id that passes Bedrock's pattern. */
export const KMS_KEY =
  "arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012";

/** One request seen by the S3 proxy. */
export interface S3Request {
  method: string;
  path: string;
  search: string;
  headers: Record<string, string>;
}

/** Options of {@linkcode startStack}. */
export interface StackOptions {
  /** Emulator state length in ms (default 150). */
  stepMs?: number;
  /** Poll interval in seconds (default 0.2). */
  pollSeconds?: number;
  /** Set `s3_encryption_key_id` on the deployments. */
  kms?: boolean;
  /** Run Batchgate as a child process, with the start task's V8 flags (needed to kill it mid-batch). */
  subprocess?: boolean;
  /** Extra environment for a child Batchgate. */
  env?: Record<string, string>;
  /** Extra YAML appended under each deployment's litellm_params. */
  extraParams?: string;
  /** Role ARN in the config (default a valid one). */
  roleArn?: string;
  /** A PostgreSQL URL: Batchgate keeps its state there instead of in a KV file. */
  databaseUrl?: string;
  /** The emulator's concurrent job quota (default 20). */
  maxConcurrentJobs?: number;
  /** Extra YAML appended under the Claude group's model_info. */
  claudeModelInfo?: string;
}

/** A running stack. */
export interface Stack {
  dir: string;
  url: string;
  emulator: RunningEmulator;
  s3rver: RunningS3rver;
  /** Requests that reached S3 through the proxy (Batchgate's and the emulator's). */
  s3Requests: S3Request[];
  /** An S3 client straight to s3rver, for checking objects. */
  s3: S3Client;
  configPath: string;
  /** An OpenAI SDK client with `key` (default the master key). */
  client(key?: string): OpenAI;
  /** Starts Batchgate again on the same KV and port (after {@linkcode Stack.stopBatchgate}). */
  startBatchgate(env?: Record<string, string>): Promise<void>;
  /** Stops (or kills, with `kill`) Batchgate, leaving S3 and the emulator up. */
  stopBatchgate(options?: { kill?: boolean }): Promise<number | null>;
  /** Resolves when the child Batchgate exits by itself; its exit code. */
  exited(): Promise<number | null>;
  /**
   * Holds back the answer to the next request to S3 or to Bedrock that
   * matches, after the server acted on it; resolves once such a request came.
   */
  holdResponse(service: "s3" | "bedrock", match: RequestMatch): Promise<void>;
  /**
   * Answers the next `times` matching S3 requests with `respond(body)`
   * instead of forwarding them (a fault S3 can really give).
   */
  overrideS3(match: RequestMatch, respond: (body: string) => Response, times?: number): void;
  close(): Promise<void>;
}

function configYaml(s3Endpoint: string, bedrockEndpoint: string, options: StackOptions): string {
  const params = (model: string) => `
      model: ${model}
      aws_region_name: us-east-1
      aws_access_key_id: S3RVER
      aws_secret_access_key: S3RVER
      s3_bucket_name: ${STACK_BUCKET}
      s3_endpoint_url: ${s3Endpoint}
      aws_bedrock_endpoint_url: ${bedrockEndpoint}
      aws_batch_role_arn: ${options.roleArn ?? "arn:aws:iam::123456789012:role/BatchgateE2E"}${
    options.kms ? `\n      s3_encryption_key_id: ${KMS_KEY}` : ""
  }${options.extraParams ?? ""}`;
  return `
model_list:
  - model_name: bedrock-batch-claude
    litellm_params:${params("bedrock/us.anthropic.claude-3-5-sonnet-20240620-v1:0")}
    model_info:
      mode: batch${options.claudeModelInfo ?? ""}
  - model_name: bedrock-batch-nova
    litellm_params:${params("bedrock/us.amazon.nova-lite-v1:0")}
    model_info:
      mode: batch
general_settings:
  master_key: ${STACK_MASTER_KEY}
  batch_poll_interval_seconds: ${options.pollSeconds ?? 0.2}
  batch_lease_seconds: 5
`;
}

/** Which request a {@linkcode Stack.holdResponse} holds. */
export type RequestMatch = (request: S3Request) => boolean;

interface Hold {
  match: RequestMatch;
  reached: () => void;
}

interface Override {
  match: RequestMatch;
  respond: (body: string) => Response;
  times: number;
}

/**
 * Starts a proxy that records every request and forwards it to `target`. A
 * request that matches a hold is forwarded (the server acts on it), but its
 * answer is kept back until the proxy closes: the caller can then be killed
 * at exactly that point, with no hook in the product.
 */
function startRecordingProxy(target: string, seen: S3Request[]) {
  const holds: Hold[] = [];
  const overrides: Override[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => (headers[k] = v));
    const request = {
      method: req.method,
      path: decodeURIComponent(url.pathname),
      search: decodeURIComponent(url.search),
      headers,
    };
    seen.push(request);
    const override = overrides.find((o) => o.times > 0 && o.match(request));
    if (override) {
      override.times--;
      return override.respond(await req.text());
    }
    const res = await fetch(target + url.pathname + url.search, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      redirect: "manual",
    });
    const hold = holds.findIndex((h) => h.match(request));
    if (hold >= 0) {
      const [{ reached }] = holds.splice(hold, 1) as [Hold];
      await res.body?.cancel();
      reached();
      await released;
      return new Response("held", { status: 503 });
    }
    return new Response(res.body, { status: res.status, headers: res.headers });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    override(match: RequestMatch, respond: (body: string) => Response, times: number) {
      overrides.push({ match, respond, times });
    },
    hold(match: RequestMatch): Promise<void> {
      return new Promise((reached) => holds.push({ match, reached }));
    },
    async close() {
      release();
      await server.shutdown();
    },
  };
}

/** Starts s3rver, a recording proxy, the emulator and Batchgate. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  setLogLevel("error");
  const dir = await Deno.makeTempDir({ prefix: "batchgate-e2e-" });
  const s3rver = await startS3rver({ dir: `${dir}/s3`, buckets: [STACK_BUCKET] });
  const s3Requests: S3Request[] = [];
  const proxy = startRecordingProxy(s3rver.endpoint, s3Requests);
  const bedrockRequests: S3Request[] = [];
  const s3Target = {
    region: "us-east-1",
    endpoint: proxy.url,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  };
  const emulator = await startEmulator({
    port: 0,
    stepMs: options.stepMs ?? 150,
    s3: s3Target,
    ...(options.maxConcurrentJobs ? { maxConcurrentJobs: options.maxConcurrentJobs } : {}),
  });
  const configPath = `${dir}/config.yaml`;
  const bedrockProxy = startRecordingProxy(emulator.url, bedrockRequests);
  await Deno.writeTextFile(configPath, configYaml(proxy.url, bedrockProxy.url, options));
  const aws = new AwsClients();
  const s3 = aws.s3({ ...s3Target, endpoint: s3rver.endpoint });
  const kvPath = `${dir}/batchgate.kv`;
  let port = 0;
  let url = "";
  let inProcess: RunningBatchgate | null = null;
  let child: Deno.ChildProcess | null = null;

  const start = async (env: Record<string, string> = {}) => {
    if (!options.subprocess) {
      inProcess = await startBatchgate({
        config: await loadConfig(configPath),
        kv: kvPath,
        databaseUrl: options.databaseUrl,
        port,
        host: "127.0.0.1",
      });
      port = inProcess.port;
      url = inProcess.url;
      return;
    }
    const main = new URL("../../main.ts", import.meta.url).pathname;
    child = new Deno.Command(Deno.execPath(), {
      // As `deno task start` runs it.
      args: [
        "run",
        "-A",
        main,
        "--config",
        configPath,
        "--port",
        String(port),
        "--kv",
        kvPath,
        ...(options.databaseUrl ? ["--store", options.databaseUrl] : []),
        "--host",
        "127.0.0.1",
      ],
      env: { BATCHGATE_LOG_LEVEL: "info", ...options.env, ...env },
      stdout: "null",
      stderr: "piped",
      stdin: "null",
    }).spawn();
    url = (await readBatchgateUrl(child.stderr)).url;
    port = Number(new URL(url).port);
  };

  const stop = async (o: { kill?: boolean } = {}) => {
    if (inProcess) {
      await inProcess.shutdown();
      inProcess = null;
      return 0;
    }
    if (child) {
      const c = child as Deno.ChildProcess;
      child = null;
      try {
        c.kill(o.kill ? "SIGKILL" : "SIGTERM");
      } catch { /* exited already */ }
      return (await c.status).code;
    }
    return null;
  };

  await start();
  return {
    dir,
    get url() {
      return url;
    },
    emulator,
    s3rver,
    s3Requests,
    s3,
    configPath,
    client(key = STACK_MASTER_KEY) {
      return new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0 });
    },
    startBatchgate: start,
    stopBatchgate: stop,
    overrideS3(match, respond, times = Infinity) {
      proxy.override(match, respond, times);
    },
    holdResponse(service, match) {
      return (service === "s3" ? proxy : bedrockProxy).hold(match);
    },
    async exited() {
      if (!child) return null;
      const c = child as Deno.ChildProcess;
      const status = await c.status;
      child = null;
      return status.code;
    },
    async close() {
      await stop();
      await bedrockProxy.close();
      await emulator.shutdown();
      await proxy.close();
      aws.destroy();
      await s3rver.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Options of {@linkcode chatLines}. */
export interface ChatLinesOptions {
  model?: string | null;
  /** custom_id of line i (default `request-i`). */
  customId?: (i: number) => string;
  /** Text of line i's user message. */
  text?: (i: number) => string;
}

/** JSONL of `n` chat requests. */
export function chatLines(n: number, options: ChatLinesOptions = {}): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const body: Record<string, unknown> = {
      messages: [
        { role: "system", content: "You are a helpful assistant." },
        { role: "user", content: options.text?.(i) ?? `Question number ${i}?` },
      ],
      max_tokens: 100,
    };
    const model = options.model === undefined ? "bedrock-batch-claude" : options.model;
    if (model !== null) body.model = model;
    lines.push(JSON.stringify({
      custom_id: options.customId?.(i) ?? `request-${i}`,
      method: "POST",
      url: "/v1/chat/completions",
      body,
    }));
  }
  return lines.join("\n") + "\n";
}

/** Uploads JSONL (text or bytes) with the SDK; extra form fields pass through as the SDK sends them. */
export async function uploadJsonl(
  client: OpenAI,
  text: string | Uint8Array,
  extra: Record<string, string> = {},
): Promise<OpenAI.FileObject> {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  const file = await toFile(bytes, "requests.jsonl");
  return await client.files.create({ file, purpose: "batch", ...extra } as OpenAI.FileCreateParams);
}

/** Polls a batch until it reaches one of `statuses` (default: any terminal one). */
export async function waitForBatch(
  client: OpenAI,
  id: string,
  statuses: string[] = ["completed", "failed", "expired", "cancelled"],
  timeoutMs = 30_000,
): Promise<OpenAI.Batch> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const batch = await client.batches.retrieve(id);
    if (statuses.includes(batch.status)) return batch;
    if (Date.now() > deadline) {
      throw new Error(`Batch ${id} is still ${batch.status} after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Parses JSONL text into objects. */
export function parseJsonl(text: string): Record<string, unknown>[] {
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
}

/** `POST /key/generate` with the master key; returns the raw key. */
export async function generateKey(
  stack: Stack,
  body: Record<string, unknown> = {},
): Promise<string> {
  const res = await fetch(`${stack.url}/key/generate`, {
    method: "POST",
    headers: { authorization: `Bearer ${STACK_MASTER_KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status !== 200) throw new Error(`Cannot generate key: ${JSON.stringify(json)}`);
  return json.key as string;
}

/** Lists every object key in the stack's bucket under `prefix`. */
export async function listObjectKeys(stack: Stack, prefix = ""): Promise<string[]> {
  const res = await stack.s3.send(
    new ListObjectsV2Command({ Bucket: STACK_BUCKET, Prefix: prefix }),
  );
  return (res.Contents ?? []).map((o) => o.Key!).sort();
}

/**
 * Waits until the emulator's newest job is InProgress with some records
 * processed and some not (so a Stop now leaves a partial result).
 */
export async function waitForJobProgress(stack: Stack, timeoutMs = 20_000): Promise<void> {
  const bedrock = new BedrockClient({
    endpoint: stack.emulator.url,
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
  });
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { invocationJobSummaries: jobs } = await bedrock.send(
        new ListModelInvocationJobsCommand({ sortOrder: "Descending", maxResults: 1 }),
      );
      const job = jobs?.[0];
      const processed = job?.processedRecordCount ?? 0;
      if (
        job?.status === "InProgress" && processed > 0 && processed < (job.totalRecordCount ?? 0)
      ) {
        return;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("The emulator's job never got part-way through InProgress");
  } finally {
    bedrock.destroy();
  }
}
