/**
 * Test harness: a real s3rver, the emulator in front of it, and the real
 * Bedrock and S3 SDK clients pointed at them.
 * @module
 */
import {
  BedrockClient,
  type CreateModelInvocationJobCommandInput,
  GetModelInvocationJobCommand,
  type GetModelInvocationJobCommandOutput,
} from "@aws-sdk/client-bedrock";
import { CreateModelInvocationJobCommand } from "@aws-sdk/client-bedrock";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { AwsClients } from "../../src/aws/clients.ts";
import type { AwsTarget } from "../../src/config/load.ts";
import { type RunningS3rver, startS3rver } from "../../tools/demo/s3rver.ts";
import {
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from "../../tools/emulator/server.ts";

/** The bucket every harness creates. */
export const BUCKET = "emulator-test";
/** A role ARN that passes validation. */
export const ROLE_ARN = "arn:aws:iam::123456789012:role/BedrockBatchRole";
/** A Claude model id. */
export const CLAUDE = "anthropic.claude-3-haiku-20240307-v1:0";

/** One request the emulator sent to S3 (seen through the recording proxy). */
export interface S3Call {
  method: string;
  path: string;
  headers: Record<string, string>;
}

/** Everything a test talks to. */
export interface Harness {
  emulator: RunningEmulator;
  bedrock: BedrockClient;
  /** A client straight to s3rver, for putting inputs and reading outputs. */
  s3: S3Client;
  /** Requests the emulator sent to S3, when started with `proxyS3`. */
  s3Calls: S3Call[];
  /** Stops everything this harness started. */
  close(): Promise<void>;
}

/** Options of {@linkcode startHarness}. */
export interface HarnessOptions extends Partial<Omit<EmulatorOptions, "s3">> {
  /** Start s3rver (default true); tests that never run a job skip it. */
  withS3?: boolean;
  /** Put a recording proxy between the emulator and s3rver. */
  proxyS3?: boolean;
}

/** A clock that moves only when told to, for exact timing tests. */
export class ManualClock {
  time = Date.parse("2026-01-01T00:00:00.000Z");
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

/** Starts s3rver (unless `withS3: false`), the emulator and the clients. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const { withS3 = true, proxyS3 = false, ...emulatorOptions } = options;
  let dir: string | undefined;
  let s3rver: RunningS3rver | undefined;
  if (withS3) {
    dir = await Deno.makeTempDir({ prefix: "emulator-test-" });
    s3rver = await startS3rver({ dir, buckets: [BUCKET] });
  }
  const s3Calls: S3Call[] = [];
  const proxy = proxyS3 && s3rver ? await startProxy(s3rver.endpoint, s3Calls) : undefined;
  const target: AwsTarget = {
    region: "us-east-1",
    // Without s3rver, a closed port: jobs never get far enough to use it.
    endpoint: s3rver?.endpoint ?? "http://127.0.0.1:9",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  };
  const emulator = await startEmulator({
    port: 0,
    stepMs: 100,
    ...emulatorOptions,
    s3: proxy ? { ...target, endpoint: proxy.url } : target,
  });
  const aws = new AwsClients();
  const bedrock = new BedrockClient({
    region: "us-east-1",
    endpoint: emulator.url,
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    maxAttempts: 1,
  });
  return {
    emulator,
    bedrock,
    s3: aws.s3(target),
    s3Calls,
    async close() {
      bedrock.destroy();
      aws.destroy();
      await emulator.shutdown();
      await proxy?.server.shutdown();
      await s3rver?.stop();
      if (dir) await Deno.remove(dir, { recursive: true });
    },
  };
}

/** A Claude Messages `modelInput` asking `text`. */
export function claudeInput(text: string): Record<string, unknown> {
  return {
    anthropic_version: "bedrock-2023-05-31",
    max_tokens: 64,
    messages: [{ role: "user", content: [{ type: "text", text }] }],
  };
}

/** `count` Claude records with ids `R0000000000`, `R0000000001`, …; `mark(i)` adds text. */
export function claudeRecords(
  count: number,
  mark: (i: number) => string = () => "",
): { recordId: string; modelInput: Record<string, unknown> }[] {
  return Array.from({ length: count }, (_, i) => ({
    recordId: `R${String(i).padStart(10, "0")}`,
    modelInput: claudeInput(`Question number ${i}${mark(i)}`),
  }));
}

/** Writes JSON lines (or raw text) to the test bucket. */
export async function putInput(
  s3: S3Client,
  key: string,
  lines: unknown[] | string,
): Promise<void> {
  const body = typeof lines === "string"
    ? lines
    : lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

/** Reads an object of the test bucket as text. */
export async function getText(s3: S3Client, key: string): Promise<string> {
  const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return await res.Body!.transformToString();
}

/** Parses JSONL text into objects. */
export function parseLines(text: string): Record<string, unknown>[] {
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

/** Creates a job with valid defaults; `overrides` replace top-level members. */
export async function createJob(
  bedrock: BedrockClient,
  overrides: Partial<CreateModelInvocationJobCommandInput> = {},
): Promise<string> {
  const res = await bedrock.send(
    new CreateModelInvocationJobCommand({
      jobName: `job-${crypto.randomUUID().slice(0, 8)}`,
      roleArn: ROLE_ARN,
      modelId: CLAUDE,
      inputDataConfig: { s3InputDataConfig: { s3Uri: `s3://${BUCKET}/in/records.jsonl` } },
      outputDataConfig: { s3OutputDataConfig: { s3Uri: `s3://${BUCKET}/out/` } },
      ...overrides,
    }),
  );
  return res.jobArn!;
}

/** Polls Get until the job reaches one of `statuses`. */
export async function waitForStatus(
  bedrock: BedrockClient,
  jobIdentifier: string,
  statuses: string[],
  timeoutMs = 5000,
): Promise<GetModelInvocationJobCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const job = await bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier }));
    last = job.status ?? "";
    if (statuses.includes(last)) return job;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`Job ${jobIdentifier} did not reach ${statuses.join("/")}; last ${last}`);
}

/** The 12-character id at the end of a job ARN. */
export function jobIdOf(arn: string): string {
  return arn.split("/").at(-1)!;
}

/** A pass-through HTTP proxy to s3rver that records each request. */
async function startProxy(
  upstream: string,
  calls: S3Call[],
): Promise<{ url: string; server: Deno.HttpServer }> {
  const { promise, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: (addr) => resolve(addr as Deno.NetAddr) },
    async (req) => {
      const url = new URL(req.url);
      const headers = new Headers(req.headers);
      headers.delete("host");
      calls.push({ method: req.method, path: url.pathname, headers: Object.fromEntries(headers) });
      const body = req.body ? await req.arrayBuffer() : undefined;
      const res = await fetch(upstream + url.pathname + url.search, {
        method: req.method,
        headers,
        body,
      });
      return new Response(res.body, { status: res.status, headers: res.headers });
    },
  );
  const addr = await promise;
  return { url: `http://127.0.0.1:${addr.port}`, server };
}
