/**
 * S3 object access for one bucket owner: streamed multipart uploads,
 * streamed reads, listing and deletion. Every write carries SSE-KMS when the
 * deployment has a key.
 * @module
 */
import { deleteObjects } from "./delete_objects.ts";
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { MultipartUpload } from "./multipart_upload.ts";
import { SegmentedUpload, type SegmentOptions } from "./segmented_upload.ts";

/** Where an object lives. */
export interface S3Location {
  bucket: string;
  key: string;
}

/** `s3://bucket/key` */
export function s3Uri(loc: S3Location): string {
  return `s3://${loc.bucket}/${loc.key}`;
}

/** Parses `s3://bucket/key` (key may be empty or end in `/`). */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`Cannot parse S3 URI: '${uri}'`);
  return { bucket: match[1]!, key: match[2]! };
}

/** Multipart part size. */
export const PART_SIZE = 8 * 1024 * 1024;
/** S3 needs ≥ 5 MiB for all parts but the last. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

/** A streaming upload in progress; see {@linkcode ObjectStore.startUpload}. */
export interface StreamingUpload {
  /**
   * Write bytes here; close it to finish the object. Each chunk is copied
   * before its `write()` resolves, so the caller may reuse it afterwards.
   */
  readonly writable: WritableStream<Uint8Array>;
  /** Resolves when everything written is stored in S3 (the object, or every object of a folder). */
  readonly done: Promise<void>;
  /** Aborts the upload so no part or object is left behind. */
  abort(): Promise<void>;
}

/** Options of {@linkcode ObjectStore}. */
export interface ObjectStoreOptions {
  /** KMS key for SSE-KMS on every write. */
  kmsKeyId?: string;
}

/** Reads and writes objects through one S3 client. */
export class ObjectStore {
  readonly #s3: S3Client;
  readonly #kmsKeyId: string | undefined;

  constructor(s3: S3Client, options: ObjectStoreOptions = {}) {
    this.#s3 = s3;
    this.#kmsKeyId = options.kmsKeyId;
  }

  #encryption(): Pick<PutObjectCommandInput, "ServerSideEncryption" | "SSEKMSKeyId"> {
    return this.#kmsKeyId ? { ServerSideEncryption: "aws:kms", SSEKMSKeyId: this.#kmsKeyId } : {};
  }

  /**
   * Starts a streamed upload: parts of {@linkcode PART_SIZE} go up while the
   * caller keeps writing, so memory stays at `queueSize + 1` parts whatever
   * the size.
   * @param options.contentType default `application/jsonl`
   * @param options.queueSize parts in flight at once (default 2)
   * @param options.partSize bytes per part (default {@linkcode PART_SIZE}, at least 5 MiB)
   */
  startUpload(
    loc: S3Location,
    options: { contentType?: string; queueSize?: number; partSize?: number } = {},
  ): StreamingUpload {
    return new MultipartUpload(this.#s3, {
      Bucket: loc.bucket,
      Key: loc.key,
      ContentType: options.contentType ?? "application/jsonl",
      ...this.#encryption(),
    }, {
      partSize: Math.max(MIN_PART_SIZE, options.partSize ?? PART_SIZE),
      queueSize: options.queueSize ?? 2,
    });
  }

  /**
   * Starts a streamed upload into a folder of objects of up to
   * {@linkcode PART_SIZE} each (see {@linkcode SegmentedUpload});
   * {@linkcode read} on the folder streams them back as one.
   * @param folder bucket and prefix (ending in `/`)
   * @param options the objects' content type (default JSONL) and
   * {@linkcode SegmentOptions} (`segmentSize` defaults to {@linkcode PART_SIZE})
   */
  startSegmentedUpload(
    folder: S3Location,
    options: Partial<SegmentOptions> & { contentType?: string } = {},
  ): SegmentedUpload {
    const { contentType, segmentSize, ...segments } = options;
    return new SegmentedUpload(this.#s3, {
      Bucket: folder.bucket,
      Prefix: folder.key,
      ContentType: contentType ?? "application/jsonl",
      ...this.#encryption(),
    }, { ...segments, segmentSize: segmentSize ?? PART_SIZE });
  }

  /** Writes a small object in one request. */
  async put(loc: S3Location, body: string | Uint8Array, contentType = "application/json") {
    await this.#s3.send(
      new PutObjectCommand({
        Bucket: loc.bucket,
        Key: loc.key,
        Body: body,
        ContentType: contentType,
        ...this.#encryption(),
      }),
    );
  }

  /**
   * Streams an object's bytes; for a key ending in `/`, the bytes of every
   * object in that folder, in key order (what a segmented upload wrote).
   * @returns the stream, or null when the object (or every object of the folder) does not exist
   */
  async read(loc: S3Location): Promise<ReadableStream<Uint8Array> | null> {
    if (loc.key.endsWith("/")) return await this.#readFolder(loc);
    try {
      const res = await this.#s3.send(new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key }));
      if (!res.Body) return null;
      return res.Body.transformToWebStream() as ReadableStream<Uint8Array>;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === "NoSuchKey") {
        return null;
      }
      throw error;
    }
  }

  /**
   * The folder's objects as one stream. The first object is opened before
   * the stream is returned, so a caller answering HTTP fails before its
   * status line when S3 cannot be read; a later object's open is retried
   * before the stream errors (and the caller's body breaks off).
   */
  async #readFolder(folder: S3Location): Promise<ReadableStream<Uint8Array> | null> {
    const keys: string[] = [];
    for await (const obj of this.list(folder.bucket, folder.key)) keys.push(obj.key);
    if (keys.length === 0) return null;
    keys.sort();
    const open = async (key: string) => {
      const stream = await this.read({ bucket: folder.bucket, key });
      if (!stream) {
        throw new Error(`Cannot read ${s3Uri({ bucket: folder.bucket, key })}: it vanished`);
      }
      return stream.getReader();
    };
    let current: ReadableStreamDefaultReader<Uint8Array> | null = await open(keys[0]!);
    let index = 1;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        while (true) {
          if (!current) {
            if (index === keys.length) return controller.close();
            current = await withRetries(() => open(keys[index]!));
            index++;
          }
          const { done, value } = await current.read();
          if (!done) return controller.enqueue(value);
          current = null;
        }
      },
      cancel: (reason) => current?.cancel(reason),
    });
  }

  /** Reads a small object as text, or null when it does not exist. */
  async readText(loc: S3Location): Promise<string | null> {
    const stream = await this.read(loc);
    if (!stream) return null;
    return await new Response(stream).text();
  }

  /** Lists objects under a prefix, page by page. */
  async *list(
    bucket: string,
    prefix: string,
  ): AsyncGenerator<{ key: string; size: number; lastModified: number }> {
    let token: string | undefined;
    do {
      const res = await this.#s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const obj of res.Contents ?? []) {
        if (obj.Key) {
          yield {
            key: obj.Key,
            size: obj.Size ?? 0,
            lastModified: obj.LastModified?.getTime() ?? 0,
          };
        }
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
  }

  /**
   * Deletes objects (missing ones are fine). A key ending in `/` is a folder:
   * every object under it goes.
   */
  async delete(bucket: string, keysOrFolders: string[]): Promise<void> {
    const keys: string[] = [];
    for (const key of keysOrFolders) {
      if (!key.endsWith("/")) keys.push(key);
      else for await (const obj of this.list(bucket, key)) keys.push(obj.key);
    }
    await deleteObjects(this.#s3, bucket, keys);
  }
}

/** Waits before the second and third attempt of a read inside a stream already answered. */
const READ_RETRY_DELAYS_MS = [200, 1000];

async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 0;; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= READ_RETRY_DELAYS_MS.length) throw error;
      await new Promise((r) => setTimeout(r, READ_RETRY_DELAYS_MS[i]));
    }
  }
}
