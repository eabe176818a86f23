/**
 * Conversion of Bedrock output records into OpenAI batch output and error
 * lines, streamed object by object and line by line.
 * @module
 */
import { log } from "../log.ts";
import { randomAlnum } from "../ids.ts";
import type { Translator } from "../bedrock/translator.ts";
import { recordIndexOf } from "../ingest/ingest_jsonl.ts";
import type { JsonlWriter } from "../storage/jsonl_writer.ts";
import { readLineBatches } from "../storage/lines.ts";
import { type ObjectStore, parseS3Uri } from "../storage/object_store.ts";
import type { BatchRecord } from "../store/batches.ts";
import type { FileRecord } from "../store/files.ts";

/** Manifest Bedrock writes beside the output (`manifest.json.out`). */
interface Manifest {
  totalRecordCount?: number;
  processedRecordCount?: number;
  successRecordCount?: number;
  errorRecordCount?: number;
  inputTokenCount?: number;
  outputTokenCount?: number;
}

/** Totals of one conversion. */
export interface Conversion {
  outputLines: number;
  errorLines: number;
  inputTokens: number;
  outputTokens: number;
  manifestInputTokens: number;
  manifestOutputTokens: number;
  outputObjects: number;
}

/** The record map: index i → custom_id of record i. Bounded by Bedrock's per-job record limit. */
export async function readRecordMap(store: ObjectStore, input: FileRecord): Promise<string[]> {
  const stream = await store.read({ bucket: input.location.bucket, key: input.input!.mappingKey });
  if (!stream) throw new Error(`Record map of file ${input.id} is missing from storage`);
  const ids: string[] = [];
  for await (const lines of readLineBatches(stream)) {
    for (const line of lines) ids.push(JSON.parse(line) as string);
  }
  return ids;
}

/** What {@linkcode convertOutput} needs besides the batch. */
export interface ConvertOptions {
  customIds: string[];
  /** Reported as each response's `model`. */
  modelGroup: string;
  translator: Translator;
  output: JsonlWriter;
  errors: JsonlWriter;
  unprocessed: { code: string; message: string };
  writeUnprocessed: boolean;
  created: number;
}

/**
 * Streams every `.out` object of the batch's jobs, joins lines to requests on
 * `recordId`, writes OpenAI output and error lines, then error lines for
 * records that never ran, and closes both writers.
 */
export async function convertOutput(
  store: ObjectStore,
  batch: BatchRecord,
  options: ConvertOptions,
): Promise<Conversion> {
  const { customIds, output, errors } = options;
  const seen = new Uint8Array(customIds.length);
  const totals: Conversion = {
    outputLines: 0,
    errorLines: 0,
    inputTokens: 0,
    outputTokens: 0,
    manifestInputTokens: 0,
    manifestOutputTokens: 0,
    outputObjects: 0,
  };
  for (const job of batch.jobs) {
    if (!job.jobArn) continue;
    const jobId = job.jobArn.slice(job.jobArn.lastIndexOf("/") + 1);
    const out = parseS3Uri(job.outputS3Uri);
    const prefix = `${out.key.replace(/\/?$/, "/")}${jobId}/`;
    for await (const obj of store.list(out.bucket, prefix)) {
      if (obj.key.endsWith("manifest.json.out")) {
        const text = await store.readText({ bucket: out.bucket, key: obj.key });
        const manifest = JSON.parse(text ?? "{}") as Manifest;
        totals.manifestInputTokens += manifest.inputTokenCount ?? 0;
        totals.manifestOutputTokens += manifest.outputTokenCount ?? 0;
        continue;
      }
      if (!obj.key.endsWith(".out")) continue;
      totals.outputObjects++;
      const stream = await store.read({ bucket: out.bucket, key: obj.key });
      if (!stream) continue;
      for await (const lines of readLineBatches(stream)) {
        for (const line of lines) {
          await convertLine(line, options, seen, totals, batch.id);
        }
      }
    }
  }
  if (options.writeUnprocessed) {
    for (let i = 0; i < customIds.length; i++) {
      if (seen[i]) continue;
      await errors.add(JSON.stringify({
        id: `batch_req_${randomAlnum(24)}`,
        custom_id: customIds[i],
        response: null,
        error: options.unprocessed,
      }));
    }
  }
  await output.close();
  await errors.close();
  totals.outputLines = output.lines;
  totals.errorLines = errors.lines;
  return totals;
}

async function convertLine(
  line: string,
  options: ConvertOptions,
  seen: Uint8Array,
  totals: Conversion,
  batchId: string,
): Promise<void> {
  let record: { recordId?: unknown; modelOutput?: unknown; error?: unknown };
  try {
    record = JSON.parse(line);
  } catch {
    log.warn("Skipping an output line that is not JSON", { batchId });
    return;
  }
  const index = typeof record.recordId === "string" ? recordIndexOf(record.recordId) : -1;
  if (index < 0 || index >= options.customIds.length || seen[index]) {
    log.warn("Skipping an output line with an unknown or repeated recordId", {
      batchId,
      recordId: String(record.recordId).slice(0, 40),
    });
    return;
  }
  seen[index] = 1;
  const customId = options.customIds[index]!;
  const requestId = `req_${randomAlnum(24)}`;
  const id = `batch_req_${randomAlnum(24)}`;
  if (record.modelOutput !== undefined && record.modelOutput !== null) {
    const usage = options.translator.usageOf(record.modelOutput);
    totals.inputTokens += usage.inputTokens;
    totals.outputTokens += usage.outputTokens;
    let body: Record<string, unknown>;
    try {
      body = options.translator.fromModelOutput(record.modelOutput, {
        modelGroup: options.modelGroup,
        created: options.created,
        responseId: `chatcmpl-${randomAlnum(24)}`,
      });
    } catch (error) {
      await options.errors.add(errorLine(id, customId, requestId, 500, {
        message: `Cannot convert the model's output: ${(error as Error).message}`,
        code: "invalid_model_output",
      }));
      return;
    }
    await options.output.add(JSON.stringify({
      id,
      custom_id: customId,
      response: { status_code: 200, request_id: requestId, body },
      error: null,
    }));
    return;
  }
  const err = (record.error ?? {}) as { errorCode?: unknown; errorMessage?: unknown };
  const status = Number(err.errorCode);
  await options.errors.add(
    errorLine(id, customId, requestId, Number.isInteger(status) && status >= 400 ? status : 500, {
      message: typeof err.errorMessage === "string"
        ? err.errorMessage
        : "Bedrock reported an error for this request",
      code: err.errorCode === undefined ? null : String(err.errorCode),
    }),
  );
}

function errorLine(
  id: string,
  customId: string,
  requestId: string,
  status: number,
  error: { message: string; code: string | null },
): string {
  return JSON.stringify({
    id,
    custom_id: customId,
    response: {
      status_code: status,
      request_id: requestId,
      body: {
        error: {
          message: error.message,
          type: status < 500 ? "invalid_request_error" : "server_error",
          param: null,
          code: error.code,
        },
      },
    },
    error: null,
  });
}
