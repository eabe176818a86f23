/**
 * Shared helpers of the benchmarks: result rows and the table, child
 * processes (Batchgate, s3rver), RSS sampling from `/proc`, config files and
 * small timing and formatting tools.
 * @module
 */
import { readBatchgateUrl, spawnListening, stopChild } from "../tools/demo/spawn_listening.ts";
import { type RunningS3rver, startS3rver } from "../tools/demo/s3rver.ts";
import { type AwsTarget, loadConfig } from "../src/config/load.ts";
import { type AppDeps, createDeps } from "../src/deps.ts";
import type { Store } from "../src/store/store.ts";
import type { AwsClients } from "../src/aws/clients.ts";
import type { BatchRecord, JobRecord } from "../src/store/batches.ts";
import { newBatchRecord, newJobRecord } from "../src/batches/new_record.ts";
import type { FileRecord } from "../src/store/files.ts";
import { abbreviateKey, hashKey } from "../src/auth/hash.ts";
import { createKey } from "../src/store/api_keys.ts";
import { createTeam } from "../src/store/teams.ts";

/** One line of the result table. */
export interface Row {
  bench: string;
  figure: string;
  value: string;
  /** The baseline measured in the same run, or "—". */
  baseline: string;
  /** value / baseline, or "—". */
  ratio: string;
  target: string;
  /** null for figures that are reported without a target. */
  pass: boolean | null;
}

/** What every benchmark gets from `main.ts`. */
export interface BenchContext {
  /** Small sizes for a smoke run. */
  quick: boolean;
  /** A temp dir removed at the end. */
  dir: string;
  /** A running s3rver with {@linkcode BUCKET}. */
  s3rver: RunningS3rver;
}

/** The bucket every benchmark writes into. */
export const BUCKET = "bench";
/** The master key of every Batchgate the benchmarks start. */
export const MASTER_KEY = "sk-bench-master";
/** The model group of the benchmark config. */
export const MODEL_GROUP = "bench-claude";
/** The Bedrock model of that group. */
export const MODEL_ID = "us.anthropic.claude-3-5-sonnet-20240620-v1:0";
/** The repository root. */
export const ROOT = new URL("../", import.meta.url).pathname;

const MIB = 1024 * 1024;

/** Throughput in MB/s (10^6 bytes) of `bytes` moved in `ms`. */
export function mbps(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}

/** `123.4 MB/s` */
export function fmtRate(value: number): string {
  return `${value.toFixed(1)} MB/s`;
}

/** `123 MiB` */
export function fmtMiB(bytes: number): string {
  return `${(bytes / MIB).toFixed(0)} MiB`;
}

/** `0.83×` */
export function fmtRatio(value: number): string {
  return `${value.toFixed(2)}×`;
}

/** The median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Prints the rows as one aligned table. */
export function formatTable(rows: Row[]): string {
  const head = ["benchmark", "figure", "value", "baseline", "ratio", "target", "result"];
  const cells = rows.map((r) => [
    r.bench,
    r.figure,
    r.value,
    r.baseline,
    r.ratio,
    r.target,
    r.pass === null ? "—" : r.pass ? "PASS" : "FAIL",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.map(line)]
    .join("\n");
}

/** Prints a progress line on stderr (the table goes to stdout). */
export function progress(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(`[bench] ${text}\n`));
}

/** Starts s3rver (in its own process) with {@linkcode BUCKET}. */
export function startBenchS3rver(dir: string): Promise<RunningS3rver> {
  return startS3rver({ dir: `${dir}/s3`, buckets: [BUCKET] });
}

/** S3 (or emulator) target on loopback with s3rver's credentials. */
export function loopbackTarget(endpoint: string): AwsTarget {
  return {
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  };
}

/** A Batchgate config with one Claude deployment on loopback. */
export function configYaml(
  s3Endpoint: string,
  bedrockEndpoint: string,
  options: { pollSeconds?: number } = {},
): string {
  return `
model_list:
  - model_name: ${MODEL_GROUP}
    litellm_params:
      model: bedrock/${MODEL_ID}
      aws_region_name: us-east-1
      aws_access_key_id: S3RVER
      aws_secret_access_key: S3RVER
      s3_bucket_name: ${BUCKET}
      s3_endpoint_url: ${s3Endpoint}
      aws_bedrock_endpoint_url: ${bedrockEndpoint}
      aws_batch_role_arn: arn:aws:iam::123456789012:role/BatchgateBench
    model_info:
      mode: batch
general_settings:
  master_key: ${MASTER_KEY}
  batch_poll_interval_seconds: ${options.pollSeconds ?? 60}
  batch_lease_seconds: 300
`;
}

/** Writes {@linkcode configYaml} into `dir` and returns its path. */
export async function writeConfig(
  dir: string,
  s3Endpoint: string,
  bedrockEndpoint: string,
  options: { pollSeconds?: number } = {},
): Promise<string> {
  const path = `${dir}/config-${crypto.randomUUID().slice(0, 8)}.yaml`;
  await Deno.writeTextFile(path, configYaml(s3Endpoint, bedrockEndpoint, options));
  return path;
}

/** A Batchgate child process. */
export interface BatchgateChild {
  url: string;
  pid: number;
  /** ms from spawn to the "listening" log line. */
  listenMs: number;
  /** The last stderr lines, for error messages. */
  tail(): string;
  /** SIGTERM, then wait for exit. */
  stop(): Promise<void>;
}

/**
 * Starts `deno run -A main.ts` (with the start task's V8 flags) as a child process and resolves when it logs
 * that it listens.
 */
export async function startBatchgateChild(
  configPath: string,
  kvPath: string,
  env: Record<string, string> = {},
): Promise<BatchgateChild> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      // For profiling: BENCH_CHILD_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
      ...(Deno.env.get("BENCH_CHILD_FLAGS")?.split(" ").filter(Boolean) ?? []),
      `${ROOT}main.ts`,
      "--config",
      configPath,
      "--port",
      "0",
      "--kv",
      kvPath,
      "--host",
      "127.0.0.1",
    ],
    env: { BATCHGATE_LOG_LEVEL: "info", ...env },
    stdout: "null",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const { url, tail } = await readBatchgateUrl(child.stderr);
  const listenMs = performance.now() - started;
  return {
    url,
    pid: child.pid,
    listenMs,
    tail,
    stop: () => stopChild(child),
  };
}

/** Resident memory of a process from `/proc/<pid>/status`, in bytes. */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  const text = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1]);
  return { rss: kib("VmRSS") * 1024, hwm: kib("VmHWM") * 1024 };
}

/** Samples a process's VmRSS every `everyMs` until stopped; VmHWM covers the gaps. */
export class RssSampler {
  readonly #pid: number;
  readonly #timer: ReturnType<typeof setInterval>;
  #peak = 0;

  constructor(pid: number, everyMs = 50) {
    this.#pid = pid;
    this.#timer = setInterval(() => this.#sample(), everyMs);
    this.#sample();
  }

  #sample(): void {
    try {
      this.#peak = Math.max(this.#peak, memoryOf(this.#pid).rss);
    } catch { /* the process is gone */ }
  }

  /** Stops sampling; the highest VmRSS sampled and the process's VmHWM now. */
  stop(): { peakRss: number; hwm: number } {
    clearInterval(this.#timer);
    this.#sample();
    return { peakRss: this.#peak, hwm: memoryOf(this.#pid).hwm };
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs a `deno run -A <script> ...args` child and parses the last stdout line as JSON. */
export async function runJsonChild<T>(script: string, args: string[]): Promise<T> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...(Deno.env.get("BENCH_CHILD_FLAGS")?.split(" ").filter(Boolean) ?? []),
      script,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
    env: { BATCHGATE_LOG_LEVEL: "error" },
  }).output();
  const stdout = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    throw new Error(`${script} failed:\n${new TextDecoder().decode(out.stderr).slice(-4000)}`);
  }
  return JSON.parse(stdout.split("\n").at(-1)!) as T;
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSecondsOf(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100/s).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Pids of processes whose command line contains `text`. */
export function pidsWith(text: string): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      if (Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).includes(text)) {
        pids.push(Number(entry.name));
      }
    } catch { /* gone */ }
  }
  return pids;
}

/** A batch input file record (its objects need not exist for reads of the record). */
export function benchFileRecord(id: string, ownerId: string, records: number): FileRecord {
  const base = `files/${id}/`;
  return {
    id,
    ownerId,
    teamId: null,
    purpose: "batch",
    filename: "bench.jsonl",
    bytes: 0,
    createdAt: Math.floor(Date.now() / 1000),
    location: { modelGroup: MODEL_GROUP, modelId: MODEL_ID, bucket: BUCKET },
    contentKey: `${base}input.jsonl`,
    objectKeys: [`${base}input.jsonl`, `${base}bedrock.jsonl`, `${base}records.jsonl`],
    input: {
      bedrockKey: `${base}bedrock.jsonl`,
      mappingKey: `${base}records.jsonl`,
      records,
      endpoint: "/v1/chat/completions",
      maxOutputTokens: records * 512,
      inputTokensEstimate: records * 300,
    },
    batchId: null,
    activeBatchIds: [],
  };
}

/** A batch of one Bedrock job on `file`, in state `validating` until changed. */
export function benchBatchRecord(
  id: string,
  file: FileRecord,
  job: Partial<JobRecord>,
): BatchRecord {
  const now = Date.now();
  const jobName = `batchgate-${id}-0`;
  return newBatchRecord({
    id,
    owner: { ownerId: file.ownerId, teamId: null, userId: null, keyAlias: null },
    inputFileId: file.id,
    endpoint: "/v1/chat/completions",
    completionWindow: "24h",
    metadata: null,
    location: file.location,
    records: file.input!.records,
    nowMs: now,
    plannedOutputFileId: `${file.id}-out`,
    plannedErrorFileId: `${file.id}-err`,
    jobs: [{
      ...newJobRecord(
        jobName,
        `s3://${BUCKET}/${file.input!.bedrockKey}`,
        `s3://${BUCKET}/batches/${id}/bedrock-output/`,
      ),
      submitTime: now,
      ...job,
    }],
  });
}

/** The app dependencies of an in-process benchmark over a config file. */
export async function benchDeps(
  configPath: string,
  store: Store,
  aws: AwsClients,
): Promise<AppDeps> {
  return createDeps({ config: await loadConfig(configPath), store, aws, instanceId: "bench" });
}

/**
 * Pseudo-random text of at least `chars` characters: words drawn from `words`
 * by a linear congruential generator started at `seed` (the same text every run).
 */
export function pseudoText(words: readonly string[], seed: number, chars: number): string {
  const out: string[] = [];
  let length = 0;
  let x = seed;
  while (length < chars) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const word = words[x % words.length]!;
    out.push(word);
    length += word.length + 1;
  }
  return out.join(" ");
}

/** The team of the prefilled keys. */
export const BENCH_TEAM = "bench-team";

/**
 * Fills a KV file with `count` virtual keys (all in {@linkcode BENCH_TEAM})
 * through the store functions.
 * @returns the raw keys
 */
export async function prefillKeys(kv: Store, count: number): Promise<string[]> {
  const now = Date.now();
  await createTeam(kv, {
    teamId: BENCH_TEAM,
    teamAlias: null,
    models: [],
    maxBudget: null,
    budgetDuration: null,
    budgetResetAt: null,
    spend: 0,
    metadata: {},
    createdAt: now,
  });
  const raws: string[] = [];
  for (let i = 0; i < count; i++) {
    const raw = `sk-bench-${String(i).padStart(6, "0")}-${crypto.randomUUID()}`;
    await createKey(kv, {
      hash: hashKey(raw),
      keyName: abbreviateKey(raw),
      keyAlias: `bench-${i}`,
      models: [],
      userId: null,
      teamId: BENCH_TEAM,
      metadata: {},
      maxBudget: null,
      budgetDuration: null,
      budgetResetAt: null,
      spend: 0,
      expiresAt: null,
      createdAt: now,
      deletedAt: null,
    });
    raws.push(raw);
  }
  return raws;
}

/** A running hello-world baseline server. */
export interface HelloChild {
  url: string;
  stop(): Promise<void>;
}

/** Starts `bench/_hello.ts` in a child process and resolves once it listens. */
export async function startHelloChild(bodyFile?: string): Promise<HelloChild> {
  const { port, stop } = await spawnListening(
    `${ROOT}bench/_hello.ts`,
    bodyFile ? [bodyFile] : [],
    "the hello-world server",
  );
  return { url: `http://127.0.0.1:${port}/`, stop };
}
