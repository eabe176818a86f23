/**
 * Benchmark 4, polling: 1,000 batches whose jobs are active in the Bedrock
 * emulator, watched by Batchgate's real poller on its own timer. Counts the
 * Bedrock calls the emulator receives per poll cycle, and the time from one
 * job finishing to its batch leaving `in_progress`. The emulator runs on a
 * fake clock, so 999 jobs stay InProgress while one job is moved to the end.
 * @module
 */
import { openDenoKvStore } from "../src/store/deno_kv_store.ts";
import { BedrockClient, ListModelInvocationJobsCommand } from "@aws-sdk/client-bedrock";
import { startEmulator } from "../tools/emulator/server.ts";
import type { RecordedRequest } from "../tools/emulator/app.ts";
import { AwsClients } from "../src/aws/clients.ts";
import { createApp } from "../src/api/app.ts";
import { Poller } from "../src/worker/poller.ts";
import { getBatchEntry } from "../src/store/batches.ts";
import { ObjectStore } from "../src/storage/object_store.ts";
import {
  type BenchContext,
  benchDeps,
  BUCKET,
  loopbackTarget,
  MASTER_KEY,
  MODEL_GROUP,
  progress,
  type Row,
  sleep,
  writeConfig,
} from "./_util.ts";

/** One emulator state lasts this long on the fake clock. */
const STEP_MS = 60_000;
const BATCHES = 1000;
const LIST_PATH = "/model-invocation-jobs";

/** Waits (bounded) until `check` holds. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Bedrock calls per poll cycle: each cycle starts with its List call. */
function callsPerCycle(requests: RecordedRequest[]): number[] {
  const cycles: number[] = [];
  for (const r of requests) {
    if (r.path === LIST_PATH) cycles.push(1);
    else if (cycles.length > 0) cycles[cycles.length - 1]!++;
  }
  return cycles;
}

/** The real poller, timing each cycle it runs on its own timer. */
class TimedPoller extends Poller {
  readonly cycleMs: number[] = [];
  override async runCycle() {
    const started = performance.now();
    try {
      return await super.runCycle();
    } finally {
      this.cycleMs.push(performance.now() - started);
    }
  }
}

/** Runs benchmark 4 and returns its rows. */
export async function benchPolling(ctx: BenchContext): Promise<Row[]> {
  const intervalS = 3;
  let fakeNow = Date.now();
  const emulator = await startEmulator({
    port: 0,
    s3: loopbackTarget(ctx.s3rver.endpoint),
    stepMs: STEP_MS,
    maxConcurrentJobs: BATCHES + 10,
    now: () => fakeNow,
  });
  const aws = new AwsClients();
  const kv = await openDenoKvStore(`${ctx.dir}/polling.kv`);
  const poller = { current: null as TimedPoller | null };
  try {
    const config = await writeConfig(ctx.dir, ctx.s3rver.endpoint, emulator.url, {
      pollSeconds: intervalS,
    });
    const deps = await benchDeps(config, kv, aws);
    const app = createApp(deps);
    const auth = { authorization: `Bearer ${MASTER_KEY}` };
    const form = new FormData();
    form.set("purpose", "batch");
    const lines = Array.from({ length: 100 }, (_, i) =>
      JSON.stringify({
        custom_id: `r${i}`,
        method: "POST",
        url: "/v1/chat/completions",
        body: {
          model: MODEL_GROUP,
          max_tokens: 50,
          messages: [{ role: "user", content: `Q${i}` }],
        },
      }));
    form.set("file", new File([lines.join("\n") + "\n"], "poll.jsonl"));
    const uploaded = await app.request("/v1/files", { method: "POST", body: form, headers: auth });
    const file = await uploaded.json() as { id: string };
    if (uploaded.status !== 200) throw new Error(`Upload failed: ${JSON.stringify(file)}`);
    const batchIds: string[] = [];
    const create = async () => {
      const res = await app.request("/v1/batches", {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({
          input_file_id: file.id,
          endpoint: "/v1/chat/completions",
          completion_window: "24h",
        }),
      });
      const batch = await res.json() as { id: string };
      if (res.status !== 200) throw new Error(`Create failed: ${JSON.stringify(batch)}`);
      batchIds.push(batch.id);
    };
    progress(`polling: creating ${BATCHES} batches (one Bedrock job each)`);
    const t0 = fakeNow;
    await create();
    // The first job runs half a step ahead, so it can finish while the others run.
    fakeNow = t0 + STEP_MS / 2;
    for (let i = 1; i < BATCHES; i++) await create();

    const observer = new BedrockClient({ ...loopbackTarget(emulator.url) });
    const statuses = async () => {
      const out = await observer.send(
        new ListModelInvocationJobsCommand({ maxResults: 1000, sortOrder: "Ascending" }),
      );
      return (out.invocationJobSummaries ?? []).map((j) => j.status);
    };
    const firstJob = async () => (await statuses())[0];
    const others = async () => (await statuses()).slice(1);
    progress("polling: moving the jobs to InProgress on the emulator's clock");
    for (const [step, state] of [[1, "Validating"], [2, "Scheduled"], [3, "InProgress"]] as const) {
      fakeNow = t0 + step * STEP_MS;
      await until(`job 1 ${state}`, async () => (await firstJob()) === state);
      fakeNow = t0 + (step + 0.5) * STEP_MS;
      await until(`jobs ${state}`, async () => (await others()).every((s) => s === state));
    }
    observer.destroy();

    progress(`polling: poller every ${intervalS} s over ${BATCHES} active jobs`);
    const seenFrom = emulator.requests.length;
    poller.current = new TimedPoller(deps, intervalS * 1000);
    poller.current.start();
    const batchStatus = async (id: string) => (await getBatchEntry(kv, id)).value?.status;
    await until("all batches in_progress", async () => {
      for (const id of batchIds) if ((await batchStatus(id)) !== "in_progress") return false;
      return true;
    });
    // Worst phase: job 1 finishes just after a cycle's List call has missed it.
    const lists = () => emulator.requests.filter((r) => r.path === LIST_PATH).length;
    const listsSoFar = lists();
    await until("the next List call", () => Promise.resolve(lists() > listsSoFar));
    fakeNow = t0 + 4 * STEP_MS;
    const store = new ObjectStore(aws.s3(loopbackTarget(ctx.s3rver.endpoint)));
    const finished = async () => {
      const prefix = `${deps.config.deployments[0]!.s3.prefix}batches/${batchIds[0]}/`;
      for await (const o of store.list(BUCKET, prefix)) {
        if (o.key.endsWith("manifest.json.out")) return true;
      }
      return false;
    };
    // The emulator writes the output, then reports Completed.
    await until("job 1 output", finished);
    const doneAt = performance.now();
    await until("batch 1 to leave in_progress", async () => {
      return (await batchStatus(batchIds[0]!)) !== "in_progress";
    }, intervalS * 1000 * 4);
    const seenMs = performance.now() - doneAt;
    await sleep(intervalS * 1000);
    await poller.current.stop();
    const cycles = callsPerCycle(emulator.requests.slice(seenFrom));
    const maxCalls = Math.max(...cycles);
    const cycleMs = poller.current.cycleMs;
    const active = (await Promise.all(batchIds.map(batchStatus)))
      .filter((s) => s === "in_progress").length;
    return [{
      bench: "4 polling",
      figure: `Bedrock calls per poll cycle, ${BATCHES} active jobs (${cycles.length} cycles)`,
      value: `max ${maxCalls}`,
      baseline: `${BATCHES} (one Get per job)`,
      ratio: "—",
      target: "≤ 2",
      pass: maxCalls <= 2,
    }, {
      bench: "4 polling",
      figure: `finished job seen by its batch (${active} still active)`,
      value: `${(seenMs / 1000).toFixed(2)} s`,
      baseline: `interval ${intervalS} s; cycle ${(Math.max(...cycleMs) / 1000).toFixed(2)} s max`,
      ratio: "—",
      target: "≤ 1 interval",
      pass: seenMs <= intervalS * 1000,
    }];
  } finally {
    await poller.current?.stop();
    await emulator.shutdown();
    aws.destroy();
    await kv.close();
  }
}
