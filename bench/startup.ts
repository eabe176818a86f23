/**
 * Benchmark 5, start-up: from spawning `deno run -A main.ts` to the first
 * `GET /health/readiness` 200, with a KV holding 1,000 keys. One warm-up
 * run (module and code caches), then the median of the measured runs.
 * @module
 */
import { openDenoKvStore } from "../src/store/deno_kv_store.ts";
import {
  type BenchContext,
  median,
  prefillKeys,
  progress,
  type Row,
  startBatchgateChild,
  writeConfig,
} from "./_util.ts";

const TARGET_MS = 500;

/** Spawns Batchgate and returns ms until readiness answers 200. */
async function timeToReady(config: string, kvPath: string): Promise<number> {
  const started = performance.now();
  const child = await startBatchgateChild(config, kvPath);
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      const res = await fetch(`${child.url}/health/readiness`);
      await res.body?.cancel();
      if (res.status === 200) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`Readiness never answered 200:\n${child.tail()}`);
  } finally {
    await child.stop();
  }
}

/** Runs benchmark 5 and returns its rows. */
export async function benchStartup(ctx: BenchContext): Promise<Row[]> {
  const kvPath = `${ctx.dir}/startup.kv`;
  progress("startup: prefilling KV with 1,000 keys");
  const kv = await openDenoKvStore(kvPath);
  await prefillKeys(kv, 1000);
  await kv.close();
  const config = await writeConfig(ctx.dir, ctx.s3rver.endpoint, "http://127.0.0.1:9");
  await timeToReady(config, kvPath); // warm-up: fills Deno's caches
  const runs: number[] = [];
  for (let i = 0; i < (ctx.quick ? 3 : 7); i++) runs.push(await timeToReady(config, kvPath));
  const mid = median(runs);
  return [{
    bench: "5 startup",
    figure: `process start → readiness 200, 1,000 keys (median of ${runs.length})`,
    value: `${mid.toFixed(0)} ms`,
    baseline: `min ${Math.min(...runs).toFixed(0)}, max ${Math.max(...runs).toFixed(0)} ms`,
    ratio: "—",
    target: `≤ ${TARGET_MS} ms`,
    pass: mid <= TARGET_MS,
  }];
}
