/**
 * Starts the Bedrock batch control-plane emulator: an HTTP server that the
 * unchanged `@aws-sdk/client-bedrock` talks to (endpoint override or
 * `AWS_ENDPOINT_URL_BEDROCK`), backed by a real S3-compatible store for job
 * inputs and outputs.
 * @module
 */
import { AwsClients } from "../../src/aws/clients.ts";
import type { AwsTarget } from "../../src/config/load.ts";
import { DEFAULT_MIN_RECORDS } from "../../src/config/load.ts";
import { log } from "../../src/log.ts";
import { createEmulatorApp, type RecordedRequest } from "./app.ts";
import { JobStore } from "./jobs.ts";
import { JobRunner } from "./runner.ts";

export type { RecordedRequest } from "./app.ts";

/** Options of {@linkcode startEmulator}. */
export interface EmulatorOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Bind address (default 127.0.0.1). */
  hostname?: string;
  /** Where job inputs are read and outputs written. */
  s3: AwsTarget;
  /** Region in job ARNs (default us-east-1). */
  region?: string;
  /** Account id in job ARNs (default 123456789012). */
  accountId?: string;
  /** How long each job state lasts, in ms (default 1000). */
  stepMs?: number;
  /** Fewest records a job may have (default 100, Bedrock's default quota). */
  minRecords?: number;
  /** Jobs that may be Submitted … Stopping at once (default 20). */
  maxConcurrentJobs?: number;
  /** Current time in ms (default `Date.now`); tests may pass a fake clock. */
  now?: () => number;
}

/** A running emulator. */
export interface RunningEmulator {
  /** `http://127.0.0.1:PORT`, the endpoint to give the Bedrock client. */
  url: string;
  port: number;
  /** Every Bedrock API call received, oldest first (live array). */
  requests: RecordedRequest[];
  /** Stops the job loop, waits for S3 work in flight, closes the server and clients. */
  shutdown(): Promise<void>;
}

/**
 * Starts the emulator and resolves once it listens.
 * @example
 * ```ts ignore
 * const emulator = await startEmulator({ port: 0, s3: { region: "us-east-1", endpoint } });
 * const bedrock = new BedrockClient({ endpoint: emulator.url, region: "us-east-1" });
 * await emulator.shutdown();
 * ```
 */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const now = options.now ?? (() => Date.now());
  const stepMs = options.stepMs ?? 1000;
  const store = new JobStore({
    region: options.region ?? "us-east-1",
    accountId: options.accountId ?? "123456789012",
    stepMs,
    maxConcurrentJobs: options.maxConcurrentJobs ?? 20,
    now,
  });
  const aws = new AwsClients();
  const runner = new JobRunner({
    store,
    s3: aws.s3(options.s3),
    stepMs,
    minRecords: options.minRecords ?? DEFAULT_MIN_RECORDS,
    now,
  });
  const requests: RecordedRequest[] = [];
  const app = createEmulatorApp({ store, requests, now });
  const hostname = options.hostname ?? "127.0.0.1";
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port: options.port,
    hostname,
    onListen: (addr) => resolve(addr as Deno.NetAddr),
  }, app.fetch);
  const addr = await listening;
  runner.start();
  const shownHost = hostname === "0.0.0.0" ? "127.0.0.1" : hostname;
  const url = `http://${shownHost}:${addr.port}`;
  log.debug("Bedrock emulator listening", { url, stepMs });
  let stopped: Promise<void> | undefined;
  return {
    url,
    port: addr.port,
    requests,
    shutdown() {
      stopped ??= (async () => {
        await runner.stop();
        await server.shutdown();
        aws.destroy();
      })();
      return stopped;
    },
  };
}
