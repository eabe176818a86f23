/**
 * A byte stream stored as a folder of objects (`00001.jsonl`, `00002.jsonl`,
 * …), each sent with one PutObject; reading the objects in key order gives
 * the stream back. Bedrock batch jobs take a folder as input and run every
 * `.jsonl` in it, so the Bedrock JSONL, cut at line ends, needs no multipart
 * upload, and neither does the compressed original. Nothing waits for
 * CompleteMultipartUpload, which on some S3-compatible stores (s3rver) copies
 * and hashes every byte once more. Memory is `queueSize + 1` segment
 * buffers, reused, as in a multipart upload.
 * @module
 */
import { log } from "../log.ts";
import { deleteObjects } from "./delete_objects.ts";
import { PutObjectCommand, type PutObjectCommandInput, type S3Client } from "@aws-sdk/client-s3";
import { crc32 } from "node:zlib";
import { FIRST_BUFFER_BYTES, UploadLifecycle } from "./upload_lifecycle.ts";

/**
 * The CRC32 of `bytes` as S3 wants it in `x-amz-checksum-crc32`: base64 of
 * the four big-endian bytes. S3 checks it against the bytes it stored.
 */
export function crc32Base64(bytes: Uint8Array): string {
  const crc = crc32(bytes) >>> 0;
  return btoa(String.fromCharCode(crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff));
}

/** Object parameters of a {@linkcode SegmentedUpload}; `Prefix` names the folder (ends in `/`). */
export type SegmentParams =
  & { Bucket: string; Prefix: string }
  & Pick<PutObjectCommandInput, "ContentType" | "ServerSideEncryption" | "SSEKMSKeyId">;

/** Options of {@linkcode SegmentedUpload}. */
export interface SegmentOptions {
  /** Bytes an object may hold (more only for a single longer line). */
  segmentSize: number;
  /**
   * Bytes the first object may hold (default `segmentSize`); each next one may
   * hold twice as many, up to `segmentSize`. Small first objects go out, and
   * are stored, while the large ones fill: the first requests of an upload
   * are the slowest to finish.
   */
  firstSegmentSize?: number;
  /** Cut only at line ends, so each object is JSONL of its own (default true). */
  wholeLines?: boolean;
  /** Object name suffix (default `.jsonl`). */
  suffix?: string;
  /** Objects uploading at once (default 1); memory is about `queueSize + 1` segments. */
  queueSize?: number;
}

/** Key of the `index`-th (0-based) object of a segmented upload under `prefix`. */
export function segmentKey(prefix: string, index: number, suffix = ".jsonl"): string {
  return `${prefix}${String(index + 1).padStart(5, "0")}${suffix}`;
}

const NEWLINE = 10;

/**
 * One folder of objects being written from a byte stream: write to
 * `writable`, close it, then await `done`. With `wholeLines`, objects end at
 * line ends, so each is valid JSONL; a line longer than a segment gets a
 * segment of its own.
 * @example
 * ```ts ignore
 * const upload = new SegmentedUpload(s3, { Bucket: "b", Prefix: "in/" }, { segmentSize: 8 << 20 });
 * const writer = upload.writable.getWriter();
 * await writer.write(new TextEncoder().encode('{"recordId":"R1"}\n'));
 * await writer.close();
 * await upload.done; // in/00001.jsonl
 * ```
 */
export class SegmentedUpload extends UploadLifecycle {
  readonly #s3: S3Client;
  readonly #params: SegmentParams;
  readonly #segmentSize: number;
  readonly #wholeLines: boolean;
  readonly #suffix: string;
  #current: Uint8Array | null = null;
  #filled = 0;
  #spares: Uint8Array[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  readonly #queueSize: number;
  #sent = 0;
  /** Bytes the next object may hold: from `firstSegmentSize`, doubling up to `segmentSize`. */
  #limit: number;

  /**
   * @param s3 the client to send with
   * @param params bucket, folder prefix, content type and encryption of the objects
   * @param options segment size, where to cut, object name suffix
   */
  constructor(s3: S3Client, params: SegmentParams, options: SegmentOptions) {
    super();
    this.#s3 = s3;
    this.#params = params;
    this.#segmentSize = options.segmentSize;
    this.#wholeLines = options.wholeLines ?? true;
    this.#suffix = options.suffix ?? ".jsonl";
    this.#queueSize = Math.max(1, options.queueSize ?? 1);
    this.#limit = Math.min(options.firstSegmentSize ?? options.segmentSize, options.segmentSize);
  }

  /** Keys of the objects sent so far (all of them once `done` resolves). */
  get keys(): string[] {
    return Array.from(
      { length: this.#sent },
      (_, i) => segmentKey(this.#params.Prefix, i, this.#suffix),
    );
  }

  protected async writeChunk(chunk: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      const buffer = this.#current ??= this.#spares.pop() ??
        new Uint8Array(Math.min(FIRST_BUFFER_BYTES, this.#limit));
      if (this.#filled === buffer.length) {
        const end = buffer.length < this.#limit ? 0 : this.#cutPoint();
        if (end > 0) await this.#send(end);
        else {
          // Below the object's size, or one line fills the whole buffer: grow it.
          const size = buffer.length * 2;
          this.#grow(buffer.length < this.#limit ? Math.min(size, this.#limit) : size);
        }
        continue;
      }
      const n = Math.min(chunk.length - offset, buffer.length - this.#filled);
      buffer.set(chunk.subarray(offset, offset + n), this.#filled);
      this.#filled += n;
      offset += n;
    }
  }

  /**
   * Where the next object ends: after the last whole line within its size,
   * or after the first line when that line alone is longer; 0 when no line
   * has ended yet. Without `wholeLines`: at its size.
   */
  #cutPoint(): number {
    if (!this.#wholeLines) return Math.min(this.#filled, this.#limit);
    const buffer = this.#current!;
    const within = Math.min(this.#filled, this.#limit);
    const last = buffer.lastIndexOf(NEWLINE, within - 1);
    if (last >= 0) return last + 1;
    const first = buffer.subarray(0, this.#filled).indexOf(NEWLINE, within);
    return first + 1;
  }

  #grow(size: number): void {
    const next = new Uint8Array(size);
    next.set(this.#current!.subarray(0, this.#filled));
    this.#current = next;
  }

  /** Sends the first `end` bytes of the current buffer as the next object; the rest carries over. */
  async #send(end: number): Promise<void> {
    while (this.#inFlight.size >= this.#queueSize) await Promise.race(this.#inFlight);
    this.throwIfFailed();
    const buffer = this.#current!;
    const rest = this.#filled - end;
    this.#limit = Math.min(this.#limit * 2, this.#segmentSize);
    if (rest === 0) this.#current = null;
    else {
      // More than an object left (after a long line) is cut again before more is written.
      const next = rest > this.#limit
        ? new Uint8Array(rest)
        : this.#limit === this.#segmentSize
        ? this.#spares.pop() ?? new Uint8Array(this.#segmentSize)
        : new Uint8Array(this.#limit);
      next.set(buffer.subarray(end, this.#filled));
      this.#current = next;
    }
    this.#filled = rest;
    const key = segmentKey(this.#params.Prefix, this.#sent++, this.#suffix);
    const { Bucket, Prefix: _, ...objectParams } = this.#params;
    const body = buffer.subarray(0, end);
    const task: Promise<void> = this.#s3.send(
      new PutObjectCommand({
        ...objectParams,
        Bucket,
        Key: key,
        Body: body,
        ContentLength: end,
        ChecksumCRC32: crc32Base64(body),
      }),
    ).then(() => {
      // Only segment-size buffers are kept for reuse; smaller and grown ones go.
      if (buffer.length === this.#segmentSize) this.#spares.push(buffer);
    }).catch((error) => {
      this.recordFailure(error);
    }).finally(() => {
      this.#inFlight.delete(task);
    });
    this.#inFlight.add(task);
  }

  protected async complete(): Promise<void> {
    while (this.#filled > this.#limit) {
      const end = this.#cutPoint();
      await this.#send(end > 0 ? end : this.#filled);
    }
    // An empty stream still leaves one (empty) object: the folder exists.
    if (this.#filled > 0 || this.#sent === 0) {
      this.#current ??= new Uint8Array(0);
      await this.#send(this.#filled);
    }
    while (this.#inFlight.size > 0) await Promise.race(this.#inFlight);
    this.throwIfFailed();
    this.#release();
  }

  /** Deletes the objects already stored. */
  protected async discardStored(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.race(this.#inFlight);
    this.#release();
    // The upload's own failure is what the caller hears; objects left are logged for the sweep.
    await deleteObjects(this.#s3, this.#params.Bucket, this.keys).catch((error) =>
      log.error("Cannot remove a failed upload's objects", { error: String(error) })
    );
  }

  #release(): void {
    this.#current = null;
    this.#spares = [];
    this.#filled = 0;
  }
}
