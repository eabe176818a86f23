/**
 * Benchmark 3, API: requests/s of `GET /v1/batches/{id}` with a virtual key
 * (key hash, KV reads of key, team and batch, JSON) on a Batchgate child,
 * against a bare hono hello-world child on the same runtime. The load comes
 * from `wrk` when installed, else from a bounded loop of fetches here.
 * @module
 */
import { openDenoKvStore } from "../src/store/deno_kv_store.ts";
import { createFile } from "../src/store/files.ts";
import { createBatchRecord, updateBatch } from "../src/store/batches.ts";
import { hashKey } from "../src/auth/hash.ts";
import {
  BENCH_TEAM,
  benchBatchRecord,
  type BenchContext,
  benchFileRecord,
  fmtRatio,
  median,
  prefillKeys,
  progress,
  type Row,
  startBatchgateChild,
  startHelloChild,
  writeConfig,
} from "./_util.ts";

const CONNECTIONS = 32;

interface LoadResult {
  rps: number;
  p99Ms: number;
  errors: number;
  tool: string;
}

function hasWrk(): boolean {
  try {
    new Deno.Command("wrk", { args: ["--version"], stdout: "null", stderr: "null" }).outputSync();
    return true;
  } catch {
    return false;
  }
}

function toMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (!match) throw new Error(`Cannot parse wrk latency '${text}'`);
  const value = Number(match[1]);
  return match[2] === "us" ? value / 1000 : match[2] === "s" ? value * 1000 : value;
}

async function runWrk(url: string, seconds: number, headers: string[]): Promise<LoadResult> {
  const args = ["-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency"];
  for (const h of headers) args.push("-H", h);
  const out = await new Deno.Command("wrk", { args: [...args, url], stdout: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]);
  const p99 = /^\s+99%\s+(\S+)/m.exec(text)?.[1];
  if (!out.success || !Number.isFinite(rps) || !p99) throw new Error(`wrk failed:\n${text}`);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return { rps, p99Ms: toMs(p99), errors: non2xx + socketErrors, tool: "wrk" };
}

/** The fallback: CONNECTIONS loops of sequential fetches for a fixed time. */
async function runFetchLoops(url: string, seconds: number, headers: string[]) {
  const init = { headers: Object.fromEntries(headers.map((h) => h.split(": ", 2))) };
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const t = performance.now();
      try {
        const res = await fetch(url, init);
        await res.arrayBuffer();
        if (res.status !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / ((performance.now() - started) / 1000),
    p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
    errors,
    tool: "fetch loops",
  };
}

/** Rounds of the ended-batch, hello-world and same-body measurements, taken in turn. */
const ROUNDS = 3;

/** The run with the median req/s; its errors are the sum over all runs. */
function medianRun(runs: LoadResult[]): LoadResult {
  const sorted = [...runs].sort((a, b) => a.rps - b.rps);
  const mid = sorted[Math.floor(sorted.length / 2)]!;
  return { ...mid, errors: runs.reduce((sum, r) => sum + r.errors, 0) };
}

function rpsOf(runs: LoadResult[]): string {
  return runs.map((r) => r.rps.toFixed(0)).join(", ");
}

function load(url: string, seconds: number, headers: string[] = []): Promise<LoadResult> {
  return hasWrk() ? runWrk(url, seconds, headers) : runFetchLoops(url, seconds, headers);
}

/** Runs benchmark 3 and returns its rows. */
export async function benchApi(ctx: BenchContext): Promise<Row[]> {
  const seconds = ctx.quick ? 3 : 10;
  const roundSeconds = ctx.quick ? 2 : 4;
  const kvPath = `${ctx.dir}/api.kv`;
  progress("api: prefilling KV with 1,000 keys, an ended and a running batch");
  const kv = await openDenoKvStore(kvPath);
  const keys = await prefillKeys(kv, 1000);
  const key = keys[500]!;
  const file = { ...benchFileRecord("file-benchapi", hashKey(key), 100), teamId: BENCH_TEAM };
  await createFile(kv, file);
  const ended = "batch_benchapi";
  await createBatchRecord(kv, benchBatchRecord(ended, file, { status: "Completed" }));
  await updateBatch(kv, ended, (b) => ({ ...b, status: "completed", completedAt: b.createdAt }));
  // A running batch is read from KV on every GET (another instance may have moved it on);
  // refreshedAtMs far ahead keeps the GET from calling Bedrock.
  const running = "batch_benchapi_running";
  await createBatchRecord(kv, {
    ...benchBatchRecord(running, file, { status: "InProgress" }),
    status: "in_progress",
    refreshedAtMs: Date.now() + 3600_000,
  });
  await kv.close();
  const config = await writeConfig(ctx.dir, ctx.s3rver.endpoint, "http://127.0.0.1:9");

  const auth = [`Authorization: Bearer ${key}`];
  const bodyFile = `${ctx.dir}/api-body.json`;
  const child = await startBatchgateChild(config, kvPath);
  let hello: Awaited<ReturnType<typeof startHelloChild>> | null = null;
  const runs = {
    api: [] as LoadResult[],
    base: [] as LoadResult[],
    sameBody: [] as LoadResult[],
  };
  let apiRunning: LoadResult;
  let bodyBytes: number;
  try {
    const url = `${child.url}/v1/batches/${ended}`;
    const check = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
    const body = new Uint8Array(await check.arrayBuffer());
    const parsed = JSON.parse(new TextDecoder().decode(body)) as { id?: string };
    if (check.status !== 200 || parsed.id !== ended) {
      throw new Error(`GET ${url} answered ${check.status}: ${new TextDecoder().decode(body)}`);
    }
    bodyBytes = body.length;
    await Deno.writeFile(bodyFile, body);
    hello = await startHelloChild(bodyFile);
    const targets = [
      { runs: runs.base, url: hello.url, headers: [] as string[], what: "hono hello-world" },
      { runs: runs.api, url, headers: auth, what: "GET /v1/batches/{id} of an ended batch" },
      {
        runs: runs.sameBody,
        url: `${hello.url}body`,
        headers: [] as string[],
        what: `bare hono route with the same ${bodyBytes}-byte body`,
      },
    ];
    for (const target of targets) await load(target.url, 1, target.headers);
    // Short runs in turn, so that the machine's drift over the run reaches each side alike.
    for (let round = 1; round <= ROUNDS; round++) {
      for (const target of targets) {
        progress(`api: round ${round}/${ROUNDS}: ${target.what}, ${roundSeconds} s`);
        target.runs.push(await load(target.url, roundSeconds, target.headers));
      }
    }
    progress(`api: GET /v1/batches/{id} of a running batch, ${seconds} s`);
    apiRunning = await load(`${child.url}/v1/batches/${running}`, seconds, auth);
  } finally {
    await hello?.stop();
    await child.stop();
  }
  const [api, base, sameBody] = [runs.api, runs.base, runs.sameBody].map(medianRun) as [
    LoadResult,
    LoadResult,
    LoadResult,
  ];
  progress(
    `api: req/s per round: Batchgate ${rpsOf(runs.api)}; hello-world ${rpsOf(runs.base)}; ` +
      `same-body route ${rpsOf(runs.sameBody)}`,
  );
  // Each round's sides ran within seconds of each other: compare them round by round.
  const pairedRatio = (ours: LoadResult[], theirs: LoadResult[]) =>
    median(ours.map((r, i) => r.rps / theirs[i]!.rps));
  const ratio = pairedRatio(runs.api, runs.base);
  return [{
    bench: "3 api",
    figure:
      `GET /v1/batches/{id}, ended batch, virtual key (${api.tool}, ${CONNECTIONS} conns, ${ROUNDS} rounds)`,
    value: `${api.rps.toFixed(0)} req/s`,
    baseline: `hono hello-world ${base.rps.toFixed(0)} req/s`,
    ratio: fmtRatio(ratio),
    target: "≥ 0.30×",
    pass: ratio >= 0.3,
  }, {
    bench: "3 api",
    figure: "GET /v1/batches/{id} p99 latency, errors",
    value: `${api.p99Ms.toFixed(2)} ms, ${api.errors} errors`,
    baseline: `hello-world ${base.p99Ms.toFixed(2)} ms, ${base.errors} errors`,
    ratio: "—",
    target: "0 errors",
    pass: api.errors === 0,
  }, {
    bench: "3 api",
    figure: `  same runs against a bare hono route sending the same ${bodyBytes} bytes`,
    value: `${api.rps.toFixed(0)} req/s`,
    baseline: `bare route ${sameBody.rps.toFixed(0)} req/s`,
    ratio: fmtRatio(pairedRatio(runs.api, runs.sameBody)),
    target: "—",
    pass: null,
  }, {
    bench: "3 api",
    figure: "GET /v1/batches/{id}, running batch (one KV read per GET)",
    value: `${apiRunning.rps.toFixed(0)} req/s, p99 ${apiRunning.p99Ms.toFixed(2)} ms`,
    baseline: `hono hello-world ${base.rps.toFixed(0)} req/s`,
    ratio: fmtRatio(apiRunning.rps / base.rps),
    target: "—",
    pass: apiRunning.errors === 0 ? null : false,
  }];
}
