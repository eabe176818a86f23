/**
 * A streamed S3 upload that copies written bytes into a small pool of part
 * buffers and reuses them. lib-storage's `Upload` concatenates a fresh
 * buffer for every part, which on a 1 GB file costs a copy of every byte,
 * page faults on new memory, and garbage that the process only returns at
 * the next major GC; a fixed pool keeps memory flat whatever the file size.
 * The requests are the ones lib-storage sends: one PutObject when the body
 * fits in one part, else Create/UploadPart/Complete, aborted on any failure.
 * @module
 */
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { FIRST_BUFFER_BYTES, UploadLifecycle } from "./upload_lifecycle.ts";

/** Object parameters of {@linkcode MultipartUpload}: sent on PutObject or CreateMultipartUpload. */
export type UploadParams =
  & Required<Pick<PutObjectCommandInput, "Bucket" | "Key">>
  & Pick<PutObjectCommandInput, "ContentType" | "ServerSideEncryption" | "SSEKMSKeyId">;

/** Options of {@linkcode MultipartUpload}. */
export interface MultipartUploadOptions {
  /** Bytes of every part but the last; S3 needs at least 5 MiB. */
  partSize: number;
  /** Parts uploading at once; memory is at most `queueSize + 1` parts. */
  queueSize: number;
}

/**
 * One object being uploaded from a byte stream: write to `writable`, close
 * it, then await `done`.
 * @example
 * ```ts ignore
 * const upload = new MultipartUpload(s3, { Bucket: "b", Key: "k" }, { partSize: 8 << 20, queueSize: 2 });
 * const writer = upload.writable.getWriter();
 * await writer.write(new TextEncoder().encode("hello\n"));
 * await writer.close();
 * await upload.done;
 * ```
 */
export class MultipartUpload extends UploadLifecycle {
  readonly #s3: S3Client;
  readonly #params: UploadParams;
  readonly #partSize: number;
  readonly #queueSize: number;
  #free: Uint8Array[] = [];
  #current: Uint8Array | null = null;
  #filled = 0;
  #uploadId: string | undefined;
  #nextPart = 1;
  readonly #parts: CompletedPart[] = [];
  readonly #inFlight = new Set<Promise<void>>();

  /**
   * @param s3 the client to send with
   * @param params bucket, key, content type and encryption of the object
   * @param options part size and concurrency
   */
  constructor(s3: S3Client, params: UploadParams, options: MultipartUploadOptions) {
    super();
    this.#s3 = s3;
    this.#params = params;
    this.#partSize = options.partSize;
    this.#queueSize = Math.max(1, options.queueSize);
  }

  protected async writeChunk(chunk: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      // A full buffer goes up only once more bytes follow, so a body of exactly one part is a PutObject.
      if (this.#filled === this.#partSize) await this.#sendCurrent();
      const needed = this.#filled + chunk.length - offset;
      const buffer = this.#bufferFor(needed);
      const n = Math.min(chunk.length - offset, this.#partSize - this.#filled);
      buffer.set(chunk.subarray(offset, offset + n), this.#filled);
      this.#filled += n;
      offset += n;
    }
  }

  /** The current buffer, grown (up to one part) to hold `needed` bytes. */
  #bufferFor(needed: number): Uint8Array {
    const current = this.#current;
    if (current && (current.length >= needed || current.length === this.#partSize)) return current;
    let next: Uint8Array;
    if (!current && this.#free.length > 0) next = this.#free.pop()!;
    else {
      let size = current ? current.length : FIRST_BUFFER_BYTES;
      while (size < needed && size < this.#partSize) size *= 2;
      next = new Uint8Array(Math.min(size, this.#partSize));
      if (current) next.set(current.subarray(0, this.#filled));
    }
    this.#current = next;
    return next;
  }

  async #sendCurrent(): Promise<void> {
    while (this.#inFlight.size >= this.#queueSize) await Promise.race(this.#inFlight);
    this.throwIfFailed();
    this.#uploadId ??= await this.#create();
    const buffer = this.#current!;
    const size = this.#filled;
    this.#current = null;
    this.#filled = 0;
    const partNumber = this.#nextPart++;
    const task: Promise<void> = this.#s3.send(
      new UploadPartCommand({
        Bucket: this.#params.Bucket,
        Key: this.#params.Key,
        UploadId: this.#uploadId,
        PartNumber: partNumber,
        Body: buffer.subarray(0, size),
        ContentLength: size,
      }),
    ).then((out) => {
      this.#parts.push({ PartNumber: partNumber, ETag: out.ETag });
    }).catch((error) => {
      this.recordFailure(error);
    }).finally(() => {
      this.#inFlight.delete(task);
      // Only full-size buffers go back to the pool.
      if (buffer.length === this.#partSize && !this.failed) this.#free.push(buffer);
    });
    this.#inFlight.add(task);
  }

  async #create(): Promise<string> {
    const out = await this.#s3.send(new CreateMultipartUploadCommand(this.#params));
    if (!out.UploadId) throw new Error("CreateMultipartUpload returned no UploadId");
    return out.UploadId;
  }

  protected async complete(): Promise<void> {
    if (this.#uploadId === undefined) {
      const body = this.#current?.subarray(0, this.#filled) ?? new Uint8Array(0);
      await this.#s3.send(
        new PutObjectCommand({ ...this.#params, Body: body, ContentLength: body.length }),
      );
    } else {
      if (this.#filled > 0) await this.#sendCurrent();
      while (this.#inFlight.size > 0) await Promise.race(this.#inFlight);
      this.throwIfFailed();
      const parts = [...this.#parts].sort((a, b) => a.PartNumber! - b.PartNumber!);
      await this.#s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.#params.Bucket,
          Key: this.#params.Key,
          UploadId: this.#uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    }
    this.#release();
  }

  /** Aborts the multipart upload, so no part is left behind. */
  protected async discardStored(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.race(this.#inFlight);
    this.#release();
    if (this.#uploadId === undefined) return;
    await this.#s3.send(
      new AbortMultipartUploadCommand({
        Bucket: this.#params.Bucket,
        Key: this.#params.Key,
        UploadId: this.#uploadId,
      }),
    ).catch(() => {});
  }

  #release(): void {
    this.#free = [];
    this.#current = null;
    this.#filled = 0;
  }
}
