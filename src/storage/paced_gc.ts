/**
 * Major garbage collections paced by the bytes a stream has moved. V8 starts
 * a major GC when its old generation has grown enough, and a long stream
 * grows it slowly: line strings, parsed requests and chunk buffers that
 * outlive a few scavenges while an S3 part is in flight are promoted, then
 * wait there, with the chunks' memory outside the heap. Over a 1 GB upload
 * that garbage added 20-40 MiB to peak RSS, more the longer the file, and
 * start-up garbage added a spike in the first second. A full collection
 * after the first few MiB and then every 64 MiB keeps the peak flat
 * (155-170 MiB at 100 MB and at 1 GB) at no measurable cost in throughput. Each
 * collection takes 15-30 ms, during which the instance serves nothing else
 * (bench/RESULTS.md).
 *
 * It needs V8's `gc()`, which `--v8-flags=--expose-gc` provides (the start,
 * demo and compile tasks set it). Without it, pacing does nothing and memory
 * is left to V8 alone.
 * @module
 */

/** Bytes before the first collection: start-up garbage goes early. */
export const FIRST_COLLECTION_BYTES = 4 * 1024 * 1024;
/** Bytes between later collections. */
export const COLLECTION_INTERVAL_BYTES = 64 * 1024 * 1024;

/** V8's `gc()` when the process was started with `--v8-flags=--expose-gc`. */
function exposedGc(): (() => void) | undefined {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === "function" ? () => gc() : undefined;
}

/**
 * Counts the bytes of one stream and runs a major GC each time it passes the
 * next threshold.
 * @example
 * ```ts
 * import { PacedGc } from "./paced_gc.ts";
 * const gc = new PacedGc();
 * for (const chunk of [new Uint8Array(16)]) gc.count(chunk.length);
 * ```
 */
export class PacedGc {
  readonly #collect: (() => void) | undefined;
  #counted = 0;
  #next = FIRST_COLLECTION_BYTES;

  /** @param collect the collector to run (default: V8's `gc()` if exposed, else nothing) */
  constructor(collect: (() => void) | undefined = exposedGc()) {
    this.#collect = collect;
  }

  /** Counts `bytes` more; collects when a threshold is passed. */
  count(bytes: number): void {
    if (!this.#collect) return;
    this.#counted += bytes;
    if (this.#counted < this.#next) return;
    this.#next = this.#counted + COLLECTION_INTERVAL_BYTES;
    this.#collect();
  }
}
