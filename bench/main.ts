/**
 * Batchgate's benchmarks: `deno task bench [--quick] [--only NAME]...`.
 * Each benchmark generates its own data in a temp dir, runs against real
 * parts on loopback (s3rver, the Bedrock emulator, Batchgate) and returns
 * rows; one table is printed at the end, every figure beside a baseline
 * measured in the same run.
 *
 * Names: ingest, output, api, polling, startup.
 * @module
 */
import { parseArgs } from "node:util";
import { say, setLogLevel } from "../src/log.ts";
import { type BenchContext, formatTable, progress, type Row, startBenchS3rver } from "./_util.ts";
import { benchIngest } from "./ingest.ts";
import { benchOutput } from "./output.ts";
import { benchApi } from "./api.ts";
import { benchPolling } from "./polling.ts";
import { benchStartup } from "./startup.ts";

const BENCHMARKS: Record<string, (ctx: BenchContext) => Promise<Row[]>> = {
  ingest: benchIngest,
  output: benchOutput,
  api: benchApi,
  polling: benchPolling,
  startup: benchStartup,
};

/**
 * Where data goes: /dev/shm when it has room (8 GB for the 1 GB ingest),
 * so disk writeback does not blur the figures, else the system temp dir.
 */
async function tempRoot(): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("df", { args: ["-k", "--output=avail", "/dev/shm"] })
      .output();
    const kib = Number(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1));
    return kib > 8 * 1024 * 1024 ? "/dev/shm" : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string", multiple: true, default: [] },
    },
    strict: true,
  });
  const names = values.only.length > 0 ? values.only : Object.keys(BENCHMARKS);
  const unknown = names.filter((n) => !(n in BENCHMARKS));
  if (unknown.length > 0) {
    say(`Unknown benchmark: ${unknown.join(", ")}; known: ${Object.keys(BENCHMARKS).join(", ")}`);
    return 2;
  }
  setLogLevel("error");
  const dir = await Deno.makeTempDir({ prefix: "batchgate-bench-", dir: await tempRoot() });
  const s3rver = await startBenchS3rver(dir);
  const ctx: BenchContext = { quick: values.quick, dir, s3rver };
  const rows: Row[] = [];
  const started = performance.now();
  try {
    for (const name of names) {
      const t = performance.now();
      rows.push(...await BENCHMARKS[name]!(ctx));
      progress(`${name} done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
  } finally {
    await s3rver.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  say(formatTable(rows));
  say(
    `\n${values.quick ? "quick run" : "full run"} in ${
      ((performance.now() - started) / 1000).toFixed(0)
    } s; ${Deno.build.target}, deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores`,
  );
  return rows.some((r) => r.pass === false) ? 1 : 0;
}

Deno.exit(await main());
