/**
 * Store benchmark: operations per second of the Store interface on
 * PostgreSQL next to Deno KV (the baseline), one caller and 16 concurrent
 * ones: reads, plain writes, check-and-set writes (read, check, write) and
 * sums on one hot counter. Deno KV is a file in a temp dir; PostgreSQL is a
 * throwaway server with fsync and synchronous commit on, as in production.
 *
 * `deno run -A bench/store.ts [--quick]` prints the table on its own;
 * `benchStore` gives the same rows to `bench/main.ts`.
 * @module
 */
import { parseArgs } from "node:util";
import { say, setLogLevel } from "../src/log.ts";
import type { Store } from "../src/store/store.ts";
import { openDenoKvStore } from "../src/store/deno_kv_store.ts";
import { openPostgresStore } from "../src/store/postgres_store.ts";
import { POSTGRES_SKIP, startPostgres } from "../tests/_helpers/postgres.ts";
import { type BenchContext, fmtRatio, formatTable, progress, type Row } from "./_util.ts";

const KEYS = 1000;
const CONCURRENCY = 16;

/** A batch record of the usual size (about 1 KB of JSON). */
function record(i: number) {
  return {
    id: `batch_${i}`,
    status: "in_progress",
    endpoint: "/v1/chat/completions",
    inputFileId: `file-${i}`,
    metadata: { note: "x".repeat(700) },
    requestCounts: { total: 1000, completed: i, failed: 0 },
    createdAt: 1_700_000_000 + i,
  };
}

interface Op {
  name: string;
  concurrency: number;
  run: (store: Store, i: number) => Promise<unknown>;
}

const OPS: Op[] = [
  ...[1, CONCURRENCY].flatMap((concurrency): Op[] => [
    { name: "get", concurrency, run: (s, i) => s.get(["batch", `b${i % KEYS}`]) },
    {
      name: "set",
      concurrency,
      run: (s, i) => s.atomic().set(["batch", `b${i % KEYS}`], record(i)).commit(),
    },
    {
      name: "check-and-set",
      concurrency,
      run: async (s, i) => {
        const entry = await s.get(["batch", `b${i % KEYS}`]);
        return s.atomic().check(entry).set(entry.key, record(i)).commit();
      },
    },
  ]),
  {
    name: "sum on one counter",
    concurrency: CONCURRENCY,
    run: (s) => s.atomic().sum(["spend", "team"], 1).commit(),
  },
];

/** Runs `count` operations with `concurrency` callers; returns ops/s. */
async function rate(store: Store, op: Op, count: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: op.concurrency }, async () => {
      while (next < count) await op.run(store, next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function measure(store: Store, count: number): Promise<number[]> {
  for (let i = 0; i < KEYS; i += 100) {
    const write = store.atomic();
    for (let j = i; j < i + 100; j++) write.set(["batch", `b${j}`], record(j));
    await write.commit();
  }
  const rates: number[] = [];
  for (const op of OPS) {
    await rate(store, op, Math.min(200, count)); // warm-up: connections, prepared statements
    rates.push(await rate(store, op, count));
  }
  return rates;
}

/** The store benchmark's rows: PostgreSQL's ops/s with Deno KV's as the baseline. */
export async function benchStore(ctx: Pick<BenchContext, "quick">): Promise<Row[]> {
  if (POSTGRES_SKIP) throw new Error(`Cannot run the store benchmark: ${POSTGRES_SKIP}`);
  const count = ctx.quick ? 500 : 5000;
  const dir = await Deno.makeTempDir({ prefix: "batchgate-bench-store-" });
  const server = await startPostgres({ durable: true });
  try {
    progress("store: Deno KV");
    const kv = await openDenoKvStore(`${dir}/bench.kv`);
    const kvRates = await measure(kv, count).finally(() => kv.close());
    progress("store: PostgreSQL");
    const pg = await openPostgresStore(server.url, { poolSize: CONCURRENCY, sweepIntervalMs: 0 });
    const pgRates = await measure(pg, count).finally(() => pg.close());
    return OPS.map((op, i) => ({
      bench: "store",
      figure: `${op.name} ops/s, ${
        op.concurrency === 1 ? "1 caller" : `${op.concurrency} callers`
      }`,
      value: `${pgRates[i]!.toFixed(0)} (PostgreSQL)`,
      baseline: `${kvRates[i]!.toFixed(0)} (Deno KV)`,
      ratio: fmtRatio(pgRates[i]! / kvRates[i]!),
      target: "—",
      pass: null,
    }));
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { quick: { type: "boolean", default: false } },
    strict: true,
  });
  setLogLevel("error");
  say(formatTable(await benchStore({ quick: values.quick })));
}
