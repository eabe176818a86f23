/**
 * Starts the no-AWS demo: s3rver, the Bedrock emulator and Batchgate, all on
 * 127.0.0.1, with every byte of state in one folder.
 * @module
 */
import { loadConfig } from "../../src/config/load.ts";
import { startEmulator } from "../emulator/server.ts";
import { startBatchgate } from "../../src/server.ts";
import { DEMO_BUCKET, demoConfigYaml } from "./demo_config.ts";
import { loadOrCreateMasterKey } from "./master_key.ts";
import { SAMPLE_RECORDS, sampleBatchJsonl } from "./sample_batch.ts";
import { startS3rver } from "./s3rver.ts";

/** Options of {@linkcode startDemo}. */
export interface DemoOptions {
  /** Batchgate's port; 0 picks a free one. */
  port: number;
  /** The demo folder: s3rver objects, KV file, config, key and sample. */
  dir: string;
  /** How long each emulated Bedrock job state lasts, in ms. */
  stepMs: number;
}

/** A running demo. */
export interface RunningDemo {
  /** Batchgate's URL, `http://127.0.0.1:PORT`. */
  url: string;
  masterKey: string;
  /** Absolute path of the demo folder. */
  dir: string;
  /** Absolute path of the sample input file. */
  samplePath: string;
  /** Stops Batchgate, then the emulator, then s3rver. */
  shutdown(): Promise<void>;
}

/**
 * Prepares the demo folder and starts the three servers. Restarting on the
 * same folder keeps files, batches and keys (same KV file and s3rver data).
 * @throws {Error} when a part cannot start (everything started so far is stopped)
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  await Deno.mkdir(options.dir, { recursive: true });
  const dir = await Deno.realPath(options.dir);
  const masterKey = await loadOrCreateMasterKey(`${dir}/master_key.txt`);
  const samplePath = `${dir}/sample_batch.jsonl`;
  // An existing sample is kept: the user may have edited it.
  await Deno.writeTextFile(samplePath, sampleBatchJsonl(SAMPLE_RECORDS), { createNew: true })
    .catch((error) => {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    });

  const stops: (() => Promise<void>)[] = [];
  const shutdown = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const s3rver = await startS3rver({ dir: `${dir}/s3`, buckets: [DEMO_BUCKET] });
    stops.push(() => s3rver.stop());
    const emulator = await startEmulator({
      port: 0,
      stepMs: options.stepMs,
      s3: {
        region: "us-east-1",
        endpoint: s3rver.endpoint,
        credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
      },
    });
    stops.push(() => emulator.shutdown());
    const configPath = `${dir}/config.yaml`;
    await Deno.writeTextFile(
      configPath,
      demoConfigYaml({
        s3Endpoint: s3rver.endpoint,
        bedrockEndpoint: emulator.url,
        masterKey,
        // Refresh about once per emulated job state, but never busier than 5 times a second.
        pollSeconds: Math.min(2, Math.max(0.2, options.stepMs / 1000)),
      }),
    );
    const batchgate = await startBatchgate({
      config: await loadConfig(configPath),
      kv: `${dir}/batchgate.kv`,
      port: options.port,
      host: "127.0.0.1",
    });
    stops.push(() => batchgate.shutdown());
    return { url: batchgate.url, masterKey, dir, samplePath, shutdown };
  } catch (error) {
    await shutdown();
    throw error;
  }
}
