/**
 * Benchmark 2, output conversion: `finalizeBatch` on a synthetic Bedrock
 * output of 50,000 Claude records (2% errors, shuffled, as Bedrock writes
 * them) in s3rver, against a bare parse + rewrite of the same lines from and
 * to the same s3rver. Each side runs in its own child process (this file,
 * run with `--child`), which reports its time and peak RSS.
 * @module
 */
import { parseArgs } from "node:util";
import { Upload } from "@aws-sdk/lib-storage";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { AwsClients } from "../src/aws/clients.ts";
import { translatorFor } from "../src/bedrock/translators.ts";
import { finalizeBatch } from "../src/batches/_finalize.ts";
import { openDenoKvStore } from "../src/store/deno_kv_store.ts";
import { recordIdOf } from "../src/ingest/ingest_jsonl.ts";
import { ObjectStore, PART_SIZE } from "../src/storage/object_store.ts";
import { JsonlWriter } from "../src/storage/jsonl_writer.ts";
import { createBatchRecord, updateBatch } from "../src/store/batches.ts";
import { createFile } from "../src/store/files.ts";
import { say, setLogLevel } from "../src/log.ts";
import {
  benchBatchRecord,
  type BenchContext,
  benchDeps,
  benchFileRecord,
  BUCKET,
  fmtMiB,
  fmtRate,
  fmtRatio,
  loopbackTarget,
  mbps,
  memoryOf,
  MODEL_ID,
  progress,
  pseudoText,
  type Row,
  runJsonChild,
  writeConfig,
} from "./_util.ts";

const RSS_LIMIT = 200 * 1024 * 1024;
const JOB_ID = "benchjob0001";

interface ChildResult {
  ms: number;
  hwm: number;
  lines: number;
}

/** Pseudo-random prose of `chars` characters, different per `seed`. */
const PROSE_WORDS = [
  "model",
  "batch",
  "token",
  "the",
  "answer",
  "is",
  "because",
  "Bedrock",
  "résumé",
];
const prose = (seed: number, chars: number) => pseudoText(PROSE_WORDS, seed + 1, chars);

/** Writes the `.out` object (shuffled), the manifest and the record map; returns the `.out` size. */
async function writeBedrockOutput(
  store: ObjectStore,
  outPrefix: string,
  mappingKey: string,
  records: number,
): Promise<number> {
  const translator = translatorFor(MODEL_ID);
  const order = Array.from({ length: records }, (_, i) => i);
  let x = 7;
  for (let i = order.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const j = x % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const upload = store.startUpload({ bucket: BUCKET, key: `${outPrefix}bedrock.jsonl.out` });
  const out = new JsonlWriter(upload.writable.getWriter());
  let bytes = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  for (const i of order) {
    const modelInput = translator.toModelInput({
      messages: [
        { role: "system", content: "You are a careful assistant." },
        { role: "user", content: `Question ${i}: ${prose(i, 1000)}` },
      ],
      max_tokens: 512,
    }, { modelId: MODEL_ID });
    const recordId = recordIdOf(i);
    let line: string;
    if (i % 50 === 7) {
      line = JSON.stringify({
        recordId,
        modelInput,
        error: { errorCode: 400, errorMessage: "Malformed input request: bench error" },
      });
    } else {
      const text = prose(i * 31, 1500);
      inputTokens += 300;
      outputTokens += 250;
      line = JSON.stringify({
        recordId,
        modelInput,
        modelOutput: {
          id: `msg_bench${i}`,
          type: "message",
          role: "assistant",
          model: "claude-3-5-sonnet-20240620",
          content: [{ type: "text", text }],
          stop_reason: "end_turn",
          stop_sequence: null,
          usage: { input_tokens: 300, output_tokens: 250 },
        },
      });
    }
    bytes += new TextEncoder().encode(line).length + 1;
    await out.add(line);
  }
  await out.close();
  await upload.done;
  await store.put(
    { bucket: BUCKET, key: `${outPrefix}manifest.json.out` },
    JSON.stringify({
      totalRecordCount: records,
      processedRecordCount: records,
      successRecordCount: records - Math.ceil((records - 7) / 50),
      errorRecordCount: Math.ceil((records - 7) / 50),
      inputTokenCount: inputTokens,
      outputTokenCount: outputTokens,
    }),
  );
  const mapping = store.startUpload({ bucket: BUCKET, key: mappingKey });
  const map = new JsonlWriter(mapping.writable.getWriter());
  for (let i = 0; i < records; i++) await map.add(JSON.stringify(`request-${i}`));
  await map.close();
  await mapping.done;
  return bytes;
}

/** Child: runs finalizeBatch on the prepared batch. */
async function childFinalize(config: string, kvPath: string, batchId: string) {
  const kv = await openDenoKvStore(kvPath);
  const aws = new AwsClients();
  const deps = await benchDeps(config, kv, aws);
  const started = performance.now();
  const batch = await finalizeBatch(deps, batchId);
  const ms = performance.now() - started;
  aws.destroy();
  await kv.close();
  if (batch.status !== "completed") throw new Error(`Batch ended ${batch.status}`);
  const lines = batch.requestCounts.completed + batch.requestCounts.failed;
  return { ms, hwm: memoryOf(Deno.pid).hwm, lines };
}

/** Child: the bare baseline, parse every line and write a rewritten line to one object. */
async function childBare(endpoint: string, key: string) {
  const aws = new AwsClients();
  const s3 = aws.s3(loopbackTarget(endpoint));
  const started = performance.now();
  const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  const source = res.Body!.transformToWebStream() as ReadableStream<Uint8Array>;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  let lines = 0;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      let carry = "";
      let batch: string[] = [];
      let chars = 0;
      const rewrite = (line: string) => {
        const r = JSON.parse(line) as { recordId: string; modelOutput?: unknown; error?: unknown };
        const out = JSON.stringify({
          id: r.recordId,
          custom_id: r.recordId,
          response: { status_code: r.modelOutput ? 200 : 400, body: r.modelOutput ?? r.error },
          error: null,
        });
        batch.push(out, "\n");
        chars += out.length + 1;
        lines++;
        if (chars >= 1024 * 1024) {
          controller.enqueue(encoder.encode(batch.join("")));
          batch = [];
          chars = 0;
        }
      };
      for await (const chunk of source) {
        const parts = (carry + decoder.decode(chunk, { stream: true })).split("\n");
        carry = parts.pop()!;
        for (const p of parts) if (p !== "") rewrite(p);
      }
      if (carry !== "") rewrite(carry);
      controller.enqueue(encoder.encode(batch.join("")));
      controller.close();
    },
  });
  await new Upload({
    client: s3,
    partSize: PART_SIZE,
    queueSize: 2,
    params: { Bucket: BUCKET, Key: `bare-output/${crypto.randomUUID()}.jsonl`, Body: body },
  }).done();
  const ms = performance.now() - started;
  aws.destroy();
  return { ms, hwm: memoryOf(Deno.pid).hwm, lines };
}

/** Runs benchmark 2 and returns its rows. */
export async function benchOutput(ctx: BenchContext): Promise<Row[]> {
  const records = ctx.quick ? 10_000 : 50_000;
  const aws = new AwsClients();
  const store = new ObjectStore(aws.s3(loopbackTarget(ctx.s3rver.endpoint)));
  const file = benchFileRecord("file-benchoutput", "master", records);
  const batchId = "batch_benchoutput";
  const outPrefix = `batches/${batchId}/bedrock-output/${JOB_ID}/`;
  progress(`output: writing a Bedrock output of ${records} records`);
  const bytes = await writeBedrockOutput(store, outPrefix, file.input!.mappingKey, records);
  aws.destroy();
  const kvPath = `${ctx.dir}/output.kv`;
  const kv = await openDenoKvStore(kvPath);
  await createFile(kv, file);
  await createBatchRecord(
    kv,
    benchBatchRecord(batchId, file, {
      jobArn: `arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/${JOB_ID}`,
      status: "Completed",
      endTime: Date.now(),
    }),
  );
  await updateBatch(
    kv,
    batchId,
    (b) => ({ ...b, status: "finalizing", finalizingAt: b.createdAt }),
  );
  await kv.close();
  const config = await writeConfig(ctx.dir, ctx.s3rver.endpoint, "http://127.0.0.1:9");
  const self = new URL(import.meta.url).pathname;
  progress("output: bare parse + rewrite");
  const bare = await runJsonChild<ChildResult>(self, [
    "--child=bare",
    `--endpoint=${ctx.s3rver.endpoint}`,
    `--key=${outPrefix}bedrock.jsonl.out`,
  ]);
  progress("output: finalizeBatch");
  const fin = await runJsonChild<ChildResult>(self, [
    "--child=finalize",
    `--config=${config}`,
    `--kv=${kvPath}`,
    `--batch=${batchId}`,
  ]);
  if (fin.lines !== records || bare.lines !== records) {
    throw new Error(`Converted ${fin.lines} and ${bare.lines} lines, expected ${records}`);
  }
  const rate = mbps(bytes, fin.ms);
  const base = mbps(bytes, bare.ms);
  return [{
    bench: "2 output",
    figure: `finalizeBatch ${records} records, ${(bytes / 1e6).toFixed(0)} MB .out`,
    value: fmtRate(rate),
    baseline: `bare parse + rewrite ${fmtRate(base)}`,
    ratio: fmtRatio(rate / base),
    target: "≥ 0.80×",
    pass: rate >= 0.8 * base,
  }, {
    bench: "2 output",
    figure: "converter peak RSS",
    value: fmtMiB(fin.hwm),
    baseline: `bare ${fmtMiB(bare.hwm)}`,
    ratio: "—",
    target: "≤ 200 MiB",
    pass: fin.hwm <= RSS_LIMIT,
  }];
}

if (import.meta.main) {
  setLogLevel("error");
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      child: { type: "string" },
      config: { type: "string" },
      kv: { type: "string" },
      batch: { type: "string" },
      endpoint: { type: "string" },
      key: { type: "string" },
    },
  });
  const result = values.child === "finalize"
    ? await childFinalize(values.config!, values.kv!, values.batch!)
    : await childBare(values.endpoint!, values.key!);
  say(JSON.stringify(result));
}
