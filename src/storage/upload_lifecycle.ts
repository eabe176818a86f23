/**
 * The lifecycle every streamed upload shares: bytes go to a `writable`,
 * `done` settles once, and the first failure (a write, the close, an S3
 * request in flight, or `abort()`) fails every later write, rejects `done`
 * and runs the upload's cleanup exactly once.
 * @module
 */
import type { StreamingUpload } from "./object_store.ts";

/**
 * Size of an upload's first buffer, which grows as bytes come: a small
 * object never holds a whole part or segment.
 */
export const FIRST_BUFFER_BYTES = 256 * 1024;

/** Base of {@linkcode MultipartUpload} and {@linkcode SegmentedUpload}. */
export abstract class UploadLifecycle implements StreamingUpload {
  readonly writable: WritableStream<Uint8Array>;
  readonly done: Promise<void>;
  readonly #settle: { resolve: () => void; reject: (error: unknown) => void };
  #failure: { error: unknown } | null = null;
  #cleanup: Promise<void> | null = null;

  constructor() {
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    this.done = promise;
    // The caller awaits `done` or calls abort(); never leave a rejection unhandled.
    promise.catch(() => {});
    this.#settle = { resolve, reject };
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) => this.#guard(() => this.writeChunk(chunk)),
      close: () =>
        this.#guard(async () => {
          await this.complete();
          this.#settle.resolve();
        }),
      abort: (reason) => this.fail(reason ?? new Error("Upload aborted")),
    });
  }

  /** Takes a chunk; it must be copied before the returned promise resolves. */
  protected abstract writeChunk(chunk: Uint8Array): Promise<void>;
  /** Sends what is left and waits for every request; `done` resolves after it. */
  protected abstract complete(): Promise<void>;
  /** Waits for requests in flight and removes what was stored; runs once, after a failure. */
  protected abstract discardStored(): Promise<void>;

  /** Aborts the upload: nothing is left behind and `done` rejects. */
  async abort(): Promise<void> {
    await this.writable.abort().catch(() => {});
    await this.fail(new Error("Upload aborted"));
  }

  /** Whether a failure has been recorded. */
  protected get failed(): boolean {
    return this.#failure !== null;
  }

  /** Throws the first failure, if any. */
  protected throwIfFailed(): void {
    if (this.#failure) throw this.#failure.error;
  }

  /** Records a failure of a request in flight; the next write or the close throws it. */
  protected recordFailure(error: unknown): void {
    this.#failure ??= { error };
  }

  /** Records the first failure, rejects `done` and discards what was stored, once. */
  protected fail(error: unknown): Promise<void> {
    this.recordFailure(error);
    this.#settle.reject(this.#failure!.error);
    this.#cleanup ??= this.discardStored();
    return this.#cleanup;
  }

  async #guard(work: () => Promise<void>): Promise<void> {
    try {
      this.throwIfFailed();
      await work();
      this.throwIfFailed();
    } catch (error) {
      await this.fail(error);
      throw error;
    }
  }
}
