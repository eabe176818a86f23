/**
 * `POST /v1/files`: streams a multipart upload into S3 as the original bytes
 * (zstd-compressed), the Bedrock JSONL and the record map, validating every line on the way.
 * On any failure every upload is aborted and nothing is stored.
 * @module
 */
import { ApiError, badRequest } from "../errors.ts";
import type { AppDeps } from "../deps.ts";
import type { Principal } from "../auth/principal.ts";
import { canUseModel } from "../auth/principal.ts";
import type { Deployment } from "../config/load.ts";
import { DEFAULT_MAX_FILE_BYTES } from "../config/load.ts";
import { newId } from "../ids.ts";
import {
  boundaryOf,
  MultipartError,
  type MultipartPart,
  parseMultipart,
  readField,
} from "../ingest/multipart.ts";
import {
  ingestJsonl,
  type IngestSinks,
  type IngestSummary,
  type LineTarget,
} from "../ingest/ingest_jsonl.ts";
import type { ObjectStore, StreamingUpload } from "../storage/object_store.ts";
import { createFile, type FileRecord } from "../store/files.ts";
import {
  groupDeployments,
  locationOf,
  objectStoreFor,
  pickDeployment,
  translatorOf,
} from "./deployments.ts";
import { log } from "../log.ts";
import { decompress, zstdCompressor } from "../storage/compression.ts";
import { assertBudgetLeft } from "../auth/budgets.ts";

/** The upload as the route hands it over. */
export interface UploadRequest {
  body: ReadableStream<Uint8Array>;
  contentType: string | undefined;
  contentLength: number | null;
}

/**
 * S3 keys of a batch input file. The two folders are segmented uploads
 * (`src/storage/segmented_upload.ts`), read back as one stream.
 */
export function inputFileKeys(deployment: Deployment, fileId: string) {
  const base = `${deployment.s3.prefix}files/${fileId}/`;
  return {
    /** The uploaded bytes as one zstd stream, cut into `00001.zst`, `00002.zst`, …. */
    original: `${base}original/`,
    /** Whole-line `00001.jsonl`, `00002.jsonl`, …; a Bedrock job takes the folder as its input. */
    bedrock: `${base}bedrock/`,
    mapping: `${base}records.jsonl`,
  };
}

/** Size of the Bedrock JSONL's objects (256 per GB), and of the first one. */
const BEDROCK_SEGMENT_BYTES = 4 * 1024 * 1024;
const FIRST_SEGMENT_BYTES = 2 * 1024 * 1024;
/** Size of the compressed original's objects. */
const ORIGINAL_SEGMENT_BYTES = 2 * 1024 * 1024;

/**
 * Uploads in flight for one deployment; aborted or deleted together on
 * failure. A key ending in `/` is a folder, written as a segmented upload.
 */
class StagedObjects {
  readonly uploads = new Map<string, StreamingUpload>();
  readonly finished: string[] = [];
  readonly store: ObjectStore;
  constructor(readonly deployment: Deployment, deps: AppDeps) {
    this.store = objectStoreFor(deps.aws, deployment);
  }
  start(
    key: string,
    options: { compress?: boolean } = {},
  ): WritableStreamDefaultWriter<Uint8Array> {
    const loc = { bucket: this.deployment.s3.bucket, key };
    // Few parts or objects in flight keep memory low. The Bedrock JSONL, as large as the upload,
    // gets three objects of 4 MiB in flight: with one, translation waited for S3 about a tenth of
    // the time; with 8 MiB objects, the last ones took longer to store after the last byte, the
    // first (slower than the rest) stalled the upload early on, and peaks were 15 MiB higher. Its
    // first object is 2 MiB, stored while the next fills. A compressed original gets a tenth of
    // the bytes, in 2 MiB objects, two in flight (one 5 MiB object at a time: the same speed,
    // 10 MiB more at the peak, and more left to store after the last byte).
    const upload = !key.endsWith("/")
      ? this.store.startUpload(loc, { queueSize: 1 })
      : options.compress
      ? this.store.startSegmentedUpload(loc, {
        contentType: "application/zstd",
        wholeLines: false,
        suffix: ".zst",
        segmentSize: ORIGINAL_SEGMENT_BYTES,
        queueSize: 2,
      })
      : this.store.startSegmentedUpload(loc, {
        queueSize: 3,
        segmentSize: BEDROCK_SEGMENT_BYTES,
        firstSegmentSize: FIRST_SEGMENT_BYTES,
      });
    this.uploads.set(key, upload);
    if (!options.compress) return upload.writable.getWriter();
    const compressor = zstdCompressor();
    // A failure reaches the caller through `upload.done`.
    compressor.readable.pipeTo(upload.writable).catch(() => {});
    return compressor.writable.getWriter();
  }
  async finish(writers: WritableStreamDefaultWriter<Uint8Array>[]): Promise<void> {
    await Promise.all(writers.map((w) => w.close()));
    for (const [key, upload] of this.uploads) {
      await upload.done;
      this.finished.push(key);
    }
    this.uploads.clear();
  }
  /**
   * Aborts uploads and deletes finished objects, except those in `keep`
   * (same bucket), which stay tracked for a later discard.
   */
  async discard(keep: ReadonlySet<string> = new Set()): Promise<void> {
    await Promise.all([...this.uploads.values()].map((u) => u.abort()));
    this.uploads.clear();
    const doomed = this.finished.filter((key) => !keep.has(key));
    this.finished.splice(0, this.finished.length, ...this.finished.filter((key) => keep.has(key)));
    if (doomed.length > 0) {
      await this.store.delete(this.deployment.s3.bucket, doomed).catch((error) =>
        log.warn("Cannot delete staged objects", { error: String(error), keys: doomed })
      );
    }
  }
}

interface IngestedFile {
  staged: StagedObjects;
  target: LineTarget | null;
  summary: IngestSummary;
  filename: string;
}

/**
 * Handles a multipart file upload end to end.
 * @throws {ApiError} 400 for bad input (with the line number), 403 for a model the key may not
 * use, 413 for a file over the limit
 */
export async function uploadFile(
  deps: AppDeps,
  principal: Principal,
  request: UploadRequest,
): Promise<FileRecord> {
  const boundary = boundaryOf(request.contentType);
  if (!boundary) {
    throw badRequest("Cannot read upload: Content-Type must be multipart/form-data", {
      code: "invalid_content_type",
    });
  }
  const maxBytes = Math.max(
    DEFAULT_MAX_FILE_BYTES,
    ...deps.config.deployments.map((d) => d.maxFileBytes),
  );
  if (request.contentLength !== null && request.contentLength > maxBytes + 1024 * 1024) {
    throw new ApiError(413, `File is larger than the limit of ${maxBytes} bytes`, {
      param: "file",
      code: "file_too_large",
    });
  }
  await assertBudgetLeft(deps.store, principal, deps.clock.now(), "upload file");
  const fileId = newId("file-");
  let purpose: string | null = null;
  let targetField: string | null = null;
  let expiresAnchor: string | null = null;
  let expiresSeconds: string | null = null;
  let ingested: IngestedFile | null = null;
  const staged: StagedObjects[] = [];
  try {
    try {
      for await (const part of parseMultipart(interruptible(request.body), boundary)) {
        switch (part.name) {
          case "purpose":
            purpose = (await readField(part)).trim();
            // Sent before the file (curl's order), a wrong purpose stops the upload at once.
            if (purpose !== "batch") throw wrongPurpose(purpose);
            break;
          case "target_model_names":
          case "extra_body[target_model_names]":
          case "target_model_names[]":
            targetField = joinTargets(targetField, await readField(part));
            break;
          case "expires_after[anchor]":
            expiresAnchor = (await readField(part)).trim();
            break;
          case "expires_after[seconds]":
            expiresSeconds = (await readField(part)).trim();
            break;
          case "extra_body":
            targetField = joinTargets(targetField, targetFromExtraBody(await readField(part)));
            break;
          case "file":
            if (ingested) {
              throw badRequest("Cannot upload: more than one file part", { param: "file" });
            }
            ingested = await ingestPart(deps, principal, part, {
              fileId,
              target: targetField,
              maxBytes,
              staged,
            });
            break;
          default:
            // Other OpenAI fields (expires_after[...]) and unknown ones are read to their end
            // and ignored: the parser can only find the next boundary past a part's bytes.
            for await (const _ of part.body) { /* drained */ }
        }
      }
    } catch (error) {
      if (error instanceof MultipartError) {
        throw badRequest(error.message, { code: "invalid_multipart" });
      }
      throw error;
    }
    if (!ingested) {
      throw badRequest("Missing file: send the JSONL as form field 'file'", { param: "file" });
    }
    if (purpose !== "batch") throw wrongPurpose(purpose);
    const expiresAfter = parseExpiresAfter(expiresAnchor, expiresSeconds);
    const group = singleTarget(targetField) ?? ingested.summary.lineModel;
    if (group === null) {
      throw badRequest(
        "Cannot tell which model to run: set target_model_names or body.model on the lines",
        { param: "target_model_names", code: "missing_model" },
      );
    }
    const param = targetField ? "target_model_names" : "model";
    let final = ingested;
    if (!ingested.target || ingested.target.modelGroup !== group) {
      // The model became known only after the file part: translate the stored original.
      const deployment = pickDeployment(groupDeployments(deps.config, principal, group, param));
      const first = ingested.staged.deployment;
      const sameBucket = first.s3.bucket === deployment.s3.bucket;
      const finalKeys = inputFileKeys(deployment, fileId);
      const firstKeys = inputFileKeys(first, fileId);
      // A translation for another model goes first: the new one may be written to the same
      // folder in fewer objects, and Bedrock would run every object left in it.
      await ingested.staged.discard(new Set([firstKeys.original]));
      const original = await ingested.staged.store.read({
        bucket: first.s3.bucket,
        key: firstKeys.original,
      });
      if (!original) throw new Error("Staged upload vanished before translation");
      final = await ingestPart(deps, principal, {
        name: "file",
        filename: ingested.filename,
        contentType: null,
        body: decompress(original),
      }, {
        fileId,
        target: group,
        maxBytes,
        staged,
        fixedDeployment: deployment,
        // The same bytes at the same key need no second copy.
        keepOriginal: sameBucket && finalKeys.original === firstKeys.original,
      });
      await ingested.staged.discard(
        sameBucket ? new Set(Object.values(finalKeys)) : new Set<string>(),
      );
    }
    const target = final.target!;
    const keys = inputFileKeys(target.deployment, fileId);
    const record: FileRecord = {
      id: fileId,
      ownerId: principal.ownerId,
      teamId: principal.teamId ?? null,
      purpose: "batch",
      filename: final.filename,
      bytes: final.summary.bytes,
      createdAt: Math.floor(deps.clock.now() / 1000),
      expiresAt: expiresAfter === null ? null : Math.floor(deps.clock.now() / 1000) + expiresAfter,
      location: locationOf(target.deployment),
      contentKey: keys.original,
      contentEncoding: "zstd",
      objectKeys: [keys.original, keys.bedrock, keys.mapping],
      input: {
        bedrockKey: keys.bedrock,
        mappingKey: keys.mapping,
        records: final.summary.records,
        endpoint: final.summary.endpoint,
        maxOutputTokens: final.summary.maxOutputTokens,
        inputTokensEstimate: final.summary.inputTokensEstimate,
      },
      batchId: null,
      activeBatchIds: [],
    };
    await createFile(deps.store, record);
    log.info("File uploaded", {
      fileId,
      bytes: record.bytes,
      records: final.summary.records,
      modelGroup: target.modelGroup,
    });
    return record;
  } catch (error) {
    await Promise.all(staged.map((s) => s.discard()));
    await request.body.cancel().catch(() => {});
    throw error;
  }
}

interface IngestPartOptions {
  fileId: string;
  /** The model named by form fields so far, if any. */
  target: string | null;
  maxBytes: number;
  staged: StagedObjects[];
  fixedDeployment?: Deployment;
  /** The original bytes are already stored where this pass would write them. */
  keepOriginal?: boolean;
}

async function ingestPart(
  deps: AppDeps,
  principal: Principal,
  part: MultipartPart,
  options: IngestPartOptions,
): Promise<IngestedFile> {
  const known = singleTarget(options.target);
  // A model named in the form must be valid before a byte is stored.
  if (known) groupDeployments(deps.config, principal, known, "target_model_names");
  let staged: StagedObjects | null = null;
  let target: LineTarget | null = null;
  const writers: WritableStreamDefaultWriter<Uint8Array>[] = [];
  const summary = await ingestJsonl(part.body, {
    maxBytes: options.maxBytes,
    maxRecords: Math.max(...deps.config.deployments.map((d) => d.maxRecords)),
    plan: (firstLineModel) => {
      const group = known ??
        (firstLineModel && deps.config.modelGroups.has(firstLineModel) &&
            canUseModel(principal, firstLineModel)
          ? firstLineModel
          : null);
      let deployment: Deployment;
      if (group) {
        deployment = options.fixedDeployment ??
          pickDeployment(groupDeployments(deps.config, principal, group));
        target = { modelGroup: group, deployment, translator: translatorOf(deployment) };
      } else {
        deployment = stagingDeployment(deps, principal);
      }
      staged = new StagedObjects(deployment, deps);
      options.staged.push(staged);
      const keys = inputFileKeys(deployment, options.fileId);
      const sinks: IngestSinks = {};
      if (!options.keepOriginal) {
        sinks.original = staged.start(keys.original, { compress: true });
        writers.push(sinks.original);
      }
      if (target) {
        sinks.bedrock = staged.start(keys.bedrock);
        sinks.mapping = staged.start(keys.mapping);
        writers.push(sinks.bedrock, sinks.mapping);
      }
      return Promise.resolve({ target, sinks });
    },
  });
  const done = staged as StagedObjects | null;
  if (!done) throw new Error("ingestJsonl finished without a plan");
  await done.finish(writers);
  return { staged: done, target, summary, filename: part.filename ?? "input.jsonl" };
}

/** Where to keep bytes whose model is not known yet: the first deployment the key may use. */
function stagingDeployment(deps: AppDeps, principal: Principal): Deployment {
  const usable = deps.config.deployments.find((d) => canUseModel(principal, d.modelGroup));
  if (!usable) {
    throw new ApiError(403, "This key may not use any configured model", {
      param: "model",
      code: "model_not_allowed",
    });
  }
  return usable;
}

function wrongPurpose(purpose: string | null): ApiError {
  return badRequest(
    purpose === null
      ? "Missing purpose: send form field purpose=batch"
      : `Cannot accept purpose '${purpose}': Batchgate takes purpose=batch`,
    { param: "purpose" },
  );
}

function joinTargets(current: string | null, next: string | null): string | null {
  if (next === null || next.trim() === "") return current;
  return current ? `${current},${next}` : next;
}

function targetFromExtraBody(text: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest("Cannot parse extra_body: expected a JSON object", { param: "extra_body" });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw badRequest("Cannot parse extra_body: expected a JSON object", { param: "extra_body" });
  }
  const value = (parsed as Record<string, unknown>).target_model_names;
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join(",");
  throw badRequest("extra_body.target_model_names must be a string or a list of strings", {
    param: "target_model_names",
  });
}

/** The one model group named in target_model_names, or null when none. */
function singleTarget(field: string | null): string | null {
  if (field === null) return null;
  const names = [...new Set(field.split(",").map((s) => s.trim()).filter(Boolean))];
  if (names.length === 0) return null;
  if (names.length > 1) {
    throw badRequest(
      `Cannot run one file on several models (${names.join(", ")}): name one in target_model_names`,
      { param: "target_model_names", code: "multiple_models" },
    );
  }
  return names[0]!;
}

/**
 * The request body, with a failed read (the client closed the connection
 * before the body ended) turned into a 400 `upload_interrupted`: the upload
 * then fails as bad input does, and what was staged is removed.
 */
function interruptible(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        throw badRequest(
          "Upload interrupted: the connection closed before the request body ended",
          { code: "upload_interrupted", cause: error },
        );
      }
      if (result.done) controller.close();
      else controller.enqueue(result.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** OpenAI's bounds of `expires_after.seconds`: one hour to 30 days. */
export const EXPIRES_AFTER_SECONDS = { min: 3600, max: 2_592_000 } as const;

/**
 * The `expires_after` form fields as seconds after creation, or null when
 * absent. OpenAI takes one anchor, `created_at`.
 * @throws {ApiError} 400 naming the field that is wrong
 */
export function parseExpiresAfter(anchor: string | null, seconds: string | null): number | null {
  if (anchor === null && seconds === null) return null;
  if (anchor !== "created_at") {
    throw badRequest(
      `Invalid expires_after.anchor: expected 'created_at', got ${JSON.stringify(anchor)}`,
      { param: "expires_after.anchor", code: "invalid_value" },
    );
  }
  const value = seconds === null ? NaN : Number(seconds);
  if (
    !Number.isInteger(value) || value < EXPIRES_AFTER_SECONDS.min ||
    value > EXPIRES_AFTER_SECONDS.max
  ) {
    throw badRequest(
      `Invalid expires_after.seconds: expected a whole number from ${EXPIRES_AFTER_SECONDS.min} ` +
        `to ${EXPIRES_AFTER_SECONDS.max}, got ${JSON.stringify(seconds)}`,
      { param: "expires_after.seconds", code: "invalid_value" },
    );
  }
  return value;
}
