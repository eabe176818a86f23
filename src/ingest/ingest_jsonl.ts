/**
 * Streams an OpenAI batch input file line by line: validates each request,
 * translates it to a Bedrock record, and writes the original bytes, the
 * Bedrock JSONL and the record map to their sinks as it goes. Memory holds
 * one chunk, one line and the set of `custom_id`s (bounded by the record limit).
 * @module
 */
import { ApiError } from "../errors.ts";
import type { Deployment } from "../config/load.ts";
import { TranslationError, type Translator } from "../bedrock/translator.ts";
import { JsonlWriter } from "../storage/jsonl_writer.ts";
import { LineSplitter } from "../storage/line_splitter.ts";

/** The model a file's lines are translated for. */
export interface LineTarget {
  modelGroup: string;
  deployment: Deployment;
  translator: Translator;
}

/**
 * Where ingested bytes go; any may be absent. Writers must copy each chunk
 * before `write()` resolves (`StreamingUpload` writers do): buffers are reused.
 */
export interface IngestSinks {
  original?: WritableStreamDefaultWriter<Uint8Array>;
  bedrock?: WritableStreamDefaultWriter<Uint8Array>;
  mapping?: WritableStreamDefaultWriter<Uint8Array>;
}

/** Decided once the first request line is read. */
export interface IngestPlan {
  /** Null means: check structure only, translate later (model not known yet). */
  target: LineTarget | null;
  sinks: IngestSinks;
}

/** Options of {@linkcode ingestJsonl}. */
export interface IngestOptions {
  /** Largest accepted file in bytes (413 beyond). */
  maxBytes: number;
  /** Most requests accepted before the model (and its limit) is known. */
  maxRecords: number;
  /** Called with the first line's `body.model` (or null) before any byte is written. */
  plan(firstLineModel: string | null): Promise<IngestPlan>;
}

/** What ingestion learned about a file. */
export interface IngestSummary {
  bytes: number;
  records: number;
  /** The lines' common `url`. */
  endpoint: string;
  /** The lines' common `body.model`, or null when no line names one. */
  lineModel: string | null;
  /** Sum of each record's max output tokens (0 without a target). */
  maxOutputTokens: number;
  /** Characters of all model inputs / 4, a rough input token count. */
  inputTokensEstimate: number;
}

/** Bedrock's InvokeModel payload limit is 20 MB; a longer line cannot run. */
const MAX_LINE_CHARS = 25 * 1024 * 1024;

/** Bedrock record id of the i-th record (0-based): `R` + 10 digits, 11 alphanumerics. */
export function recordIdOf(index: number): string {
  return "R" + String(index).padStart(10, "0");
}

/** Index of a record id made by {@linkcode recordIdOf}, or -1. */
export function recordIndexOf(recordId: string): number {
  return /^R\d{10}$/.test(recordId) ? Number(recordId.slice(1)) : -1;
}

function lineError(line: number, message: string, code = "invalid_line"): ApiError {
  return new ApiError(400, `Line ${line}: ${message}`, { param: "file", code, line });
}

/**
 * Ingests a batch input file.
 * @throws {ApiError} 400 naming the line for a bad request line, 413 past `maxBytes`
 */
export async function ingestJsonl(
  source: ReadableStream<Uint8Array>,
  options: IngestOptions,
): Promise<IngestSummary> {
  const customIds = new Set<string>();
  let plan: IngestPlan | null = null;
  let pendingRaw: Uint8Array[] = [];
  let bedrock = new JsonlWriter(undefined);
  let mapping = new JsonlWriter(undefined);
  let maxBytes = options.maxBytes;
  let bytes = 0;
  let lineNumber = 0;
  let records = 0;
  let endpoint: string | null = null;
  let lineModel: string | null = null;
  let lineModelAt = 0;
  let maxOutputTokens = 0;
  let inputChars = 0;

  const handleLine = async (text: string): Promise<void> => {
    lineNumber++;
    if (text.endsWith("\r")) text = text.slice(0, -1);
    if (text.trim() === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw lineError(lineNumber, "not valid JSON");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw lineError(lineNumber, "expected a JSON object");
    }
    const line = parsed as Record<string, unknown>;
    const customId = line.custom_id;
    if (typeof customId !== "string" || customId === "") {
      throw lineError(lineNumber, "custom_id must be a non-empty string");
    }
    if (customIds.has(customId)) {
      throw lineError(lineNumber, `custom_id '${clip(customId)}' is used by an earlier line`);
    }
    if (line.method !== "POST") {
      throw lineError(lineNumber, `method must be POST, got ${clip(JSON.stringify(line.method))}`);
    }
    if (typeof line.url !== "string") throw lineError(lineNumber, "url must be a string");
    if (endpoint === null) endpoint = line.url;
    else if (line.url !== endpoint) {
      throw lineError(
        lineNumber,
        `url '${clip(line.url)}' differs from '${endpoint}' on earlier lines`,
      );
    }
    const body = line.body;
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw lineError(lineNumber, "body must be a JSON object");
    }
    const model = (body as Record<string, unknown>).model;
    if (model !== undefined && typeof model !== "string") {
      throw lineError(lineNumber, "body.model must be a string");
    }
    if (typeof model === "string") {
      if (lineModel === null) {
        lineModel = model;
        lineModelAt = lineNumber;
      } else if (model !== lineModel) {
        throw lineError(
          lineNumber,
          `body.model '${clip(model)}' differs from '${clip(lineModel)}' on line ${lineModelAt}: ` +
            "all requests in a file must use one model",
          "mixed_models",
        );
      }
    }
    if (plan === null) {
      plan = await options.plan(typeof model === "string" ? model : null);
      bedrock = new JsonlWriter(plan.sinks.bedrock, { reuseBuffer: true });
      mapping = new JsonlWriter(plan.sinks.mapping, { reuseBuffer: true });
      if (plan.target) maxBytes = Math.min(maxBytes, plan.target.deployment.maxFileBytes);
      if (bytes > maxBytes) throw tooLarge(maxBytes);
      for (const raw of pendingRaw) await write(plan.sinks.original, raw);
      pendingRaw = [];
    }
    const target = plan.target;
    // Without a target yet, the largest limit of any deployment still bounds memory.
    const maxRecords = target?.deployment.maxRecords ?? options.maxRecords;
    if (records >= maxRecords) {
      throw lineError(
        lineNumber,
        `the file has more than ${maxRecords} requests, Bedrock's limit per job`,
        "too_many_requests",
      );
    }
    if (target) {
      if (line.url !== target.translator.endpoint) {
        throw lineError(
          lineNumber,
          `url '${clip(line.url)}' is not served by model '${target.modelGroup}', which takes ` +
            target.translator.endpoint,
        );
      }
      let modelInput: Record<string, unknown>;
      try {
        modelInput = target.translator.toModelInput(body, {
          modelId: target.deployment.modelId,
          ...(target.deployment.defaultMaxTokens
            ? { defaultMaxTokens: target.deployment.defaultMaxTokens }
            : {}),
        });
      } catch (error) {
        if (error instanceof TranslationError) {
          throw lineError(lineNumber, `${error.param}: ${error.message}`, "unsupported_request");
        }
        throw error;
      }
      const recordLine = JSON.stringify({ recordId: recordIdOf(records), modelInput });
      inputChars += recordLine.length + 1;
      maxOutputTokens += target.translator.maxOutputTokens(modelInput);
      await bedrock.add(recordLine);
      await mapping.add(JSON.stringify(customId));
    }
    customIds.add(customId);
    records++;
  };

  const reader = source.getReader();
  const splitter = new LineSplitter();
  // Only the file's first line may start with a byte order mark, as with one streaming decode.
  const firstDecoder = new TextDecoder("utf-8", { fatal: true });
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const decodeLine = (line: Uint8Array): string => {
    try {
      return (lineNumber === 0 ? firstDecoder : decoder).decode(line);
    } catch {
      throw lineError(lineNumber + 1, "not valid UTF-8");
    }
  };
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes += value.length;
      if (bytes > maxBytes) throw tooLarge(maxBytes);
      if (plan === null) pendingRaw.push(value);
      else await write((plan as IngestPlan).sinks.original, value);
      for (const line of splitter.push(value)) await handleLine(decodeLine(line));
      if (splitter.pendingExceeds(MAX_LINE_CHARS)) throw lineTooLong(lineNumber + 1);
    }
    const last = splitter.finish();
    if (last) await handleLine(decodeLine(last));
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
  if (records === 0 || plan === null) {
    throw new ApiError(400, "File has no requests: expected one JSON request per line", {
      param: "file",
      code: "empty_file",
    });
  }
  await bedrock.flush();
  await mapping.flush();
  return {
    bytes,
    records,
    endpoint: endpoint ?? "",
    lineModel,
    maxOutputTokens,
    inputTokensEstimate: Math.ceil(inputChars / 4),
  };
}

async function write(
  writer: WritableStreamDefaultWriter<Uint8Array> | undefined,
  chunk: Uint8Array,
): Promise<void> {
  if (!writer) return;
  await writer.ready;
  await writer.write(chunk);
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, `File is larger than the limit of ${maxBytes} bytes`, {
    param: "file",
    code: "file_too_large",
  });
}

function lineTooLong(line: number): ApiError {
  return lineError(line, `longer than ${MAX_LINE_CHARS} characters, Bedrock's request limit`);
}

function clip(text: string, max = 80): string {
  return text.length > max ? text.slice(0, max) + "…" : text;
}
