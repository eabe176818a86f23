/**
 * The S3 side of a job: reading and checking the input during Validating, and
 * writing `<output>/<jobId>/<input>.out` files and `manifest.json.out` when the
 * job ends.
 * @module
 */
import {
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { randomAlnum } from "../../src/ids.ts";
import type { EmulatedRecord, InputFile, Job, JobInput, RecordCounts } from "./jobs.ts";
import { LineStream } from "../../src/storage/lines.ts";
import { emulateRecord, isSlow } from "./replies.ts";
import type { ModelInvocationType } from "./shapes.ts";

/** Bedrock's default quota of records per job (and per input file). */
export const MAX_RECORDS_PER_JOB = 50_000;

/** A reason Validating fails; its message becomes the job's `message`. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** Bucket and key of an `s3://bucket/key` URI (key may be empty). */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const rest = uri.slice("s3://".length);
  const slash = rest.indexOf("/");
  return slash < 0
    ? { bucket: rest, key: "" }
    : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

/** Options of {@linkcode readInput}. */
export interface ReadInputOptions {
  modelId: string;
  invocationType: ModelInvocationType;
  minRecords: number;
}

/**
 * Reads a job's input line by line: one `.jsonl` object, or every `.jsonl`
 * object under a prefix. Each record's reply is computed here, once.
 * @throws {InputError} for missing input, a malformed line or a record count
 * outside the quotas
 */
export async function readInput(
  s3: S3Client,
  s3Uri: string,
  options: ReadInputOptions,
): Promise<JobInput> {
  const files = await findInputFiles(s3, s3Uri);
  const records: EmulatedRecord[] = [];
  for (const [fileIndex, file] of files.entries()) {
    await readFile(s3, file, (line, lineNo) => {
      const record = parseLine(line, `line ${lineNo} of ${file.name}`);
      const modelInputJson = JSON.stringify(record.modelInput);
      records.push({
        fileIndex,
        recordId: record.recordId ?? randomAlnum(11).toUpperCase(),
        modelInput: record.modelInput,
        slow: isSlow(modelInputJson),
        outcome: emulateRecord(record.modelInput, options),
      });
      if (records.length > MAX_RECORDS_PER_JOB) {
        throw new InputError(
          `Cannot validate job: the input has more than ${MAX_RECORDS_PER_JOB} records, the maximum number of records per batch inference job`,
        );
      }
    });
  }
  if (records.length < options.minRecords) {
    throw new InputError(
      `Cannot validate job: the input has ${records.length} records, below the minimum number of records per batch inference job (${options.minRecords})`,
    );
  }
  const eligible = records.filter((r) => !r.slow);
  const errorsBefore = [0];
  for (const r of eligible) errorsBefore.push(errorsBefore.at(-1)! + (r.outcome.ok ? 0 : 1));
  return { files, records, eligible, errorsBefore };
}

async function findInputFiles(s3: S3Client, s3Uri: string): Promise<InputFile[]> {
  const { bucket, key } = parseS3Uri(s3Uri);
  if (key.endsWith(".jsonl")) return [{ bucket, key, name: key.split("/").at(-1)! }];
  const prefix = key === "" || key.endsWith("/") ? key : `${key}/`;
  const keys: string[] = [];
  let token: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
    } catch (error) {
      throw new InputError(`Cannot validate job: cannot list ${s3Uri}: ${describe(error)}`);
    }
    for (const o of page.Contents ?? []) if (o.Key?.endsWith(".jsonl")) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  if (keys.length === 0) {
    throw new InputError(`Cannot validate job: no .jsonl input files found under ${s3Uri}`);
  }
  return keys.sort().map((k) => ({ bucket, key: k, name: k.split("/").at(-1)! }));
}

async function readFile(
  s3: S3Client,
  file: InputFile,
  onLine: (line: string, lineNo: number) => void,
): Promise<void> {
  const uri = `s3://${file.bucket}/${file.key}`;
  let body;
  try {
    ({ Body: body } = await s3.send(new GetObjectCommand({ Bucket: file.bucket, Key: file.key })));
  } catch (error) {
    throw new InputError(`Cannot validate job: cannot read input ${uri}: ${describe(error)}`);
  }
  if (!body) throw new InputError(`Cannot validate job: input ${uri} has no body`);
  const lines = (body.transformToWebStream() as ReadableStream<Uint8Array>)
    .pipeThrough(new LineStream());
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() !== "") onLine(line, lineNo);
  }
}

function parseLine(
  line: string,
  where: string,
): { recordId?: string; modelInput: Record<string, unknown> } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new InputError(`Cannot validate job: ${where} is not valid JSON`);
  }
  if (!isObject(value) || !isObject(value.modelInput)) {
    throw new InputError(
      `Cannot validate job: ${where} is not a JSON object with a modelInput object`,
    );
  }
  const { recordId, modelInput } = value;
  if (recordId !== undefined && typeof recordId !== "string") {
    throw new InputError(`Cannot validate job: recordId on ${where} is not a string`);
  }
  return recordId === undefined ? { modelInput } : { recordId, modelInput };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.name : String(error);
}

/**
 * Writes one `.out` file per input file, holding the first `processed`
 * eligible records in shuffled order (Bedrock promises no order), and the
 * manifest. Objects carry SSE-KMS headers when the job names a key.
 * @param counts The job's final record counts
 */
export async function writeOutputs(s3: S3Client, job: Job, counts: RecordCounts): Promise<void> {
  const input = job.input;
  if (!input) return;
  const config = job.request.outputDataConfig.s3OutputDataConfig!;
  const { bucket, key } = parseS3Uri(config.s3Uri);
  const prefix = `${key === "" || key.endsWith("/") ? key : `${key}/`}${job.id}/`;
  const sse: Partial<PutObjectCommandInput> = config.s3EncryptionKeyId
    ? { ServerSideEncryption: "aws:kms", SSEKMSKeyId: config.s3EncryptionKeyId }
    : {};
  const processed = input.eligible.slice(0, counts.processedRecordCount);
  const random = seededRandom(job.id);
  for (const [fileIndex, file] of input.files.entries()) {
    const lines = shuffle(processed.filter((r) => r.fileIndex === fileIndex), random)
      .map((r) => JSON.stringify(outputLine(r)) + "\n");
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${prefix}${file.name}.out`,
        Body: lines.join(""),
        ContentType: "application/jsonl",
        ...sse,
      }),
    );
  }
  let inputTokenCount = 0;
  let outputTokenCount = 0;
  for (const r of processed) {
    if (!r.outcome.ok) continue;
    inputTokenCount += r.outcome.inputTokens;
    outputTokenCount += r.outcome.outputTokens;
  }
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: `${prefix}manifest.json.out`,
      Body: JSON.stringify({ ...counts, inputTokenCount, outputTokenCount }),
      ContentType: "application/json",
      ...sse,
    }),
  );
}

function outputLine(r: EmulatedRecord): Record<string, unknown> {
  return r.outcome.ok
    ? { recordId: r.recordId, modelInput: r.modelInput, modelOutput: r.outcome.modelOutput }
    : { recordId: r.recordId, modelInput: r.modelInput, error: r.outcome.error };
}

/** mulberry32 seeded from a string: shuffles differ per job but repeat for a job. */
function seededRandom(seed: string): () => number {
  let a = 0;
  for (const ch of seed) a = Math.imul(a ^ ch.charCodeAt(0), 0x9e3779b1) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
