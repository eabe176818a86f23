/**
 * Benchmark 1, ingest: `POST /v1/files` of generated chat JSONL into s3rver
 * through a Batchgate child process, against (a) the same per-line parse and
 * translation writing to /dev/null and (b) a bare lib-storage multipart
 * upload of the same bytes to the same s3rver. Also the child's peak RSS
 * over all its uploads. The sides run in turn, round by round; the first
 * round is a warm-up (Batchgate's first upload, to a fresh process, is
 * reported on its own row).
 * @module
 */
import { Upload } from "@aws-sdk/lib-storage";
import { AwsClients } from "../src/aws/clients.ts";
import { ObjectStore, PART_SIZE } from "../src/storage/object_store.ts";
import {
  type BatchgateChild,
  type BenchContext,
  BUCKET,
  cpuSecondsOf,
  fmtMiB,
  fmtRate,
  fmtRatio,
  loopbackTarget,
  MASTER_KEY,
  mbps,
  median,
  memoryOf,
  MODEL_GROUP,
  pidsWith,
  progress,
  pseudoText,
  type Row,
  RssSampler,
  startBatchgateChild,
  writeConfig,
} from "./_util.ts";

/** Bedrock's record limit per job: no file has more lines. */
const MAX_LINES = 50_000;
/** Line size of the generated files (~20 KB, so 1 GB fits in 50,000 lines). */
const LINE_BYTES = 20_000;
const RSS_LIMIT = 200 * 1024 * 1024;

const WORDS = ("the of and to in is that for it as with was on be by this are or from at an " +
  "which have not but all were when we there can more if will one about up out so what " +
  "their time has would other into no could only new some these its also two may first " +
  "been any like then now our over such than well even most made after many where much " +
  "batch model request gateway bedrock inference token latency throughput prompt résumé " +
  "naïve café “quoted” tab\there line\nbreak emoji 🚀 json {braces} [brackets] back\\slash")
  .split(" ");

/**
 * Writes `lines` chat requests of about `lineBytes` each to `path`.
 * @returns the file size in bytes
 */
async function generateJsonl(
  path: string,
  lines: number,
  lineBytes: number,
): Promise<number> {
  // A pseudo-random text block that line contents are cut from.
  const block = pseudoText(WORDS, 42, 64 * 1024);
  const userChars = Math.max(100, Math.floor(lineBytes * 0.7));
  const otherChars = Math.max(50, Math.floor(lineBytes * 0.08));
  const slice = (i: number, n: number) => {
    const start = (i * 7919) % (block.length - n);
    return block.slice(start, start + n);
  };
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const encoder = new TextEncoder();
  let size = 0;
  let batch: string[] = [];
  let batchChars = 0;
  const flush = async () => {
    const bytes = encoder.encode(batch.join(""));
    size += bytes.length;
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
    batch = [];
    batchChars = 0;
  };
  for (let i = 0; i < lines; i++) {
    const line = JSON.stringify({
      custom_id: `request-${i}`,
      method: "POST",
      url: "/v1/chat/completions",
      body: {
        model: MODEL_GROUP,
        max_tokens: 512,
        temperature: 0.2,
        messages: [
          { role: "system", content: `You are assistant ${i % 17}. ${slice(i, otherChars)}` },
          { role: "user", content: slice(i + 1, otherChars) },
          { role: "assistant", content: slice(i + 2, otherChars) },
          { role: "user", content: `Question ${i}: ${slice(i + 3, userChars)}` },
        ],
      },
    }) + "\n";
    batch.push(line);
    batchChars += line.length;
    if (batchChars >= 1024 * 1024) await flush();
  }
  await flush();
  file.close();
  return size;
}

/** Baseline (b): a bare lib-storage multipart upload of the file, Batchgate's part settings. */
async function bareUpload(path: string, endpoint: string): Promise<void> {
  const aws = new AwsClients();
  try {
    const file = await Deno.open(path);
    const key = `bare/${crypto.randomUUID()}.jsonl`;
    await new Upload({
      client: aws.s3(loopbackTarget(endpoint)),
      partSize: PART_SIZE,
      queueSize: 2,
      params: { Bucket: BUCKET, Key: key, Body: file.readable },
    }).done();
    // Deleting is part of the timed call but takes a few ms; it keeps the RAM disk small.
    await new ObjectStore(aws.s3(loopbackTarget(endpoint))).delete(BUCKET, [key]);
  } finally {
    aws.destroy();
  }
}

/** A multipart/form-data body streaming the file after a `purpose` field. */
async function multipartBody(path: string, boundary: string): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.jsonl"\r\n` +
      `Content-Type: application/jsonl\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const file = await Deno.open(path);
  const reader = file.readable.getReader();
  let state: "head" | "file" | "done" = "head";
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (state === "head") {
        controller.enqueue(head);
        state = "file";
        return;
      }
      if (state === "done") return;
      const { value, done } = await reader.read();
      if (done) {
        controller.enqueue(tail);
        controller.close();
        state = "done";
        return;
      }
      controller.enqueue(value);
    },
    cancel: () => reader.cancel(),
  });
}

interface IngestRun {
  ms: number;
  /** Bytes Batchgate stored in S3 for the file (original, Bedrock JSONL, record map). */
  stored: number;
}

/** Total size of the objects Batchgate stored for a file; deletes them (RAM disk). */
async function storedBytes(endpoint: string, fileId: string): Promise<number> {
  const aws = new AwsClients();
  try {
    const store = new ObjectStore(aws.s3(loopbackTarget(endpoint)));
    let total = 0;
    const keys: string[] = [];
    for await (const o of store.list(BUCKET, `batchgate/files/${fileId}/`)) {
      total += o.size;
      keys.push(o.key);
    }
    await store.delete(BUCKET, keys);
    return total;
  } finally {
    aws.destroy();
  }
}

/** Uploads the file to a running Batchgate child; time and bytes stored. */
async function uploadThrough(
  ctx: BenchContext,
  child: BatchgateChild,
  path: string,
): Promise<IngestRun> {
  const boundary = `bench${crypto.randomUUID().replaceAll("-", "")}`;
  const s3rverPid = pidsWith(ctx.dir + "/s3")[0];
  const cpu0 = [cpuSecondsOf(child.pid), s3rverPid ? cpuSecondsOf(s3rverPid) : 0];
  const self0 = cpuSecondsOf(Deno.pid);
  const started = performance.now();
  const res = await fetch(`${child.url}/v1/files`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${MASTER_KEY}`,
      "content-type": `multipart/form-data; boundary=${boundary}`,
    },
    body: await multipartBody(path, boundary),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  progress(
    `  wall ${(ms / 1000).toFixed(1)} s; CPU: Batchgate ${
      (cpuSecondsOf(child.pid) - cpu0[0]!).toFixed(1)
    } s, s3rver ${(s3rverPid ? cpuSecondsOf(s3rverPid) - cpu0[1]! : 0).toFixed(1)} s, client ${
      (cpuSecondsOf(Deno.pid) - self0).toFixed(1)
    } s`,
  );
  if (res.status !== 200) {
    throw new Error(`Upload failed (${res.status}): ${text.slice(0, 500)}\n${child.tail()}`);
  }
  const stored = await storedBytes(ctx.s3rver.endpoint, (JSON.parse(text) as { id: string }).id);
  return { ms, stored };
}

/** Baseline (a) in a warm child process of its own (`bench/_baseline_a.ts`). */
class BaselineA {
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  readonly #lines: ReadableStreamDefaultReader<string>;
  #buffered = "";

  constructor(path: string) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./_baseline_a.ts", import.meta.url).pathname, path],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#stdin = this.#child.stdin.getWriter();
    this.#lines = this.#child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** Runs baseline (a) once; its time in ms. */
  async run(): Promise<number> {
    await this.#stdin.write(new TextEncoder().encode("run\n"));
    while (!this.#buffered.includes("\n")) {
      const { value, done } = await this.#lines.read();
      if (done) throw new Error("Baseline (a) exited");
      this.#buffered += value;
    }
    const at = this.#buffered.indexOf("\n");
    const ms = Number(this.#buffered.slice(0, at));
    this.#buffered = this.#buffered.slice(at + 1);
    return ms;
  }

  async stop(): Promise<void> {
    await this.#stdin.close().catch(() => {});
    await this.#lines.cancel().catch(() => {});
    await this.#child.status;
  }
}

/** Every side's runs on one file: one untimed warm-up run first, then the timed rounds. */
interface IngestRuns {
  /** Baseline (a) and (b) times in ms, warm-up first. */
  a: number[];
  b: number[];
  /** Batchgate's uploads, the first (to a fresh process) first. */
  uploads: IngestRun[];
  idleRss: number;
  /** Batchgate's peak RSS over its life (VmHWM), all uploads included. */
  hwm: number;
}

/**
 * Starts a Batchgate child and runs every side `1 + rounds` times, in turn
 * (a, b, upload), so that the machine's drift over the minutes a 1 GB round
 * takes reaches each side alike. The first round warms up: Batchgate's first
 * upload reaches a fresh process, the baselines' first runs cold code.
 */
async function runIngestRounds(
  ctx: BenchContext,
  path: string,
  label: string,
  rounds: number,
): Promise<IngestRuns> {
  const config = await writeConfig(ctx.dir, ctx.s3rver.endpoint, "http://127.0.0.1:9");
  const child = await startBatchgateChild(config, `${ctx.dir}/ingest-${label}.kv`);
  const rss = new RssSampler(child.pid, 25);
  const baselineA = new BaselineA(path);
  try {
    const runs: IngestRuns = {
      a: [],
      b: [],
      uploads: [],
      idleRss: memoryOf(child.pid).rss,
      hwm: 0,
    };
    for (let round = 0; round <= rounds; round++) {
      progress(`ingest ${label}: ${round === 0 ? "warm-up round" : `round ${round}/${rounds}`}`);
      runs.a.push(await baselineA.run());
      const started = performance.now();
      await bareUpload(path, ctx.s3rver.endpoint);
      runs.b.push(performance.now() - started);
      runs.uploads.push(await uploadThrough(ctx, child, path));
    }
    runs.hwm = rss.stop().hwm;
    return runs;
  } finally {
    rss.stop();
    await Promise.all([child.stop(), baselineA.stop()]);
  }
}

/**
 * Runs benchmark 1 and returns its rows. Speeds are medians over the timed
 * rounds, and the throughput ratio the median of each round's own ratio
 * (the machine's speed drifts by a quarter over minutes; the sides of a round
 * run within seconds of each other). Every run goes to stderr.
 */
export async function benchIngest(ctx: BenchContext): Promise<Row[]> {
  const sizes = ctx.quick
    ? [{ label: "20 MB", bytes: 20e6, runs: 3 }, { label: "100 MB", bytes: 100e6, runs: 3 }]
    : [{ label: "100 MB", bytes: 100e6, runs: 3 }, { label: "1 GB", bytes: 995e6, runs: 3 }];
  const rows: Row[] = [];
  const hwms: number[] = [];
  for (const size of sizes) {
    const lines = Math.min(MAX_LINES, Math.max(100, Math.round(size.bytes / LINE_BYTES)));
    const path = `${ctx.dir}/ingest-${lines}.jsonl`;
    progress(`ingest ${size.label}: generating ${lines} lines`);
    const bytes = await generateJsonl(path, lines, Math.floor(size.bytes / lines));
    const rates = (times: number[]) => times.map((ms) => mbps(bytes, ms));
    const show = (what: string, values: number[]) =>
      progress(`ingest ${size.label}: ${what}: ${values.map((v) => v.toFixed(1)).join(", ")}`);
    const runs = await runIngestRounds(ctx, path, size.label.replace(" ", ""), size.runs);
    const [aRuns, bRuns, upRuns] = [runs.a, runs.b, runs.uploads.map((r) => r.ms)].map(rates) as [
      number[],
      number[],
      number[],
    ];
    show("(a) parse + translate → /dev/null, MB/s (warm-up, then timed)", aRuns);
    show("(b) bare multipart upload, MB/s (warm-up, then timed)", bRuns);
    show("POST /v1/files through Batchgate, MB/s (first upload, then timed)", upRuns);
    const firstRate = upRuns[0]!;
    const [a, b, rate] = [aRuns, bRuns, upRuns].map((r) => median(r.slice(1))) as [
      number,
      number,
      number,
    ];
    const stored = median(runs.uploads.slice(1).map((r) => mbps(r.stored, r.ms)));
    const hwm = runs.hwm;
    // Each round's sides ran within seconds of each other: compare them round by round.
    const roundRatios = upRuns.map((up, i) => up / Math.min(aRuns[i]!, bRuns[i]!));
    progress(
      `ingest ${size.label}: Batchgate / min(a, b) per round (warm-up, then timed): ${
        roundRatios.map((r) => r.toFixed(2)).join(", ")
      }`,
    );
    const ratio = median(roundRatios.slice(1));
    hwms.push(hwm);
    rows.push({
      bench: "1 ingest",
      figure: `POST /v1/files ${size.label} (${lines} lines), ${size.runs} rounds after a warm-up`,
      value: fmtRate(rate),
      baseline: `min(a, b) per round; medians a ${a.toFixed(0)}, b ${b.toFixed(0)} MB/s`,
      ratio: fmtRatio(ratio),
      target: "≥ 0.80×",
      pass: ratio >= 0.8,
    }, {
      bench: "1 ingest",
      figure: `  same file, first upload to a fresh process`,
      value: fmtRate(firstRate),
      baseline: `first runs: min(a ${aRuns[0]!.toFixed(0)}, b ${bRuns[0]!.toFixed(0)})`,
      ratio: fmtRatio(firstRate / Math.min(aRuns[0]!, bRuns[0]!)),
      target: "—",
      pass: null,
    }, {
      bench: "1 ingest",
      figure: `  same runs: bytes stored in S3 (${
        (runs.uploads[0]!.stored / bytes).toFixed(2)
      }× the file)`,
      value: fmtRate(stored),
      baseline: `b, bare upload ${fmtRate(b)}`,
      ratio: fmtRatio(stored / b),
      target: "—",
      pass: null,
    }, {
      bench: "1 ingest",
      figure: `server peak RSS, ${size.label} (one process, ${size.runs + 1} uploads)`,
      value: fmtMiB(hwm),
      baseline: `idle ${fmtMiB(runs.idleRss)}`,
      ratio: "—",
      target: "≤ 200 MiB",
      pass: hwm <= RSS_LIMIT,
    });
    await Deno.remove(path);
  }
  const growth = hwms[1]! / hwms[0]! - 1;
  rows.push({
    bench: "1 ingest",
    figure: `peak RSS growth ${sizes[0]!.label} → ${sizes[1]!.label}`,
    value: `${(growth * 100).toFixed(1)}%`,
    baseline: "—",
    ratio: "—",
    target: "≤ 10%",
    pass: growth <= 0.1,
  });
  return rows;
}
