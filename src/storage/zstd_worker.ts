/**
 * zstd on the second core: a Worker compresses upload originals, so the
 * upload's own thread, its busiest, only copies bytes.
 *
 * Originals are stored as zstd level 1: on chat JSONL it runs about 30%
 * faster than gzip level 1 and stores 0.10 of the bytes instead of 0.26
 * (`CompressionStream` has no zstd and no level). It still took 160-220 ms of
 * the main thread per 100 MB, about a seventh of an upload. Here the main
 * thread copies each chunk into a 512 KiB batch and transfers full batches to
 * the Worker, which runs the zstd stream and transfers the output back in
 * batches of its own. A write waits for the Worker only when it is four batches
 * behind, so request body reads do not back up behind it (the trap of earlier
 * Worker designs, `bench/RESULTS.md`). One Worker, started with the first
 * upload, serves every upload until {@linkcode ZstdWorker.close}; it holds
 * about 27 MiB.
 * @module
 */

/** Input and output batch size: few messages per upload, little memory in flight. */
const BATCH_BYTES = 512 * 1024;
/** Batches sent and not yet consumed before a write waits. */
const MAX_BATCHES_IN_FLIGHT = 4;
/** zstd level of stored originals. */
const ZSTD_LEVEL = 1;

/**
 * The Worker's code. It runs from a `data:` URL so that a `deno compile`
 * binary carries it without extra files (compiled binaries could not load
 * `blob:` Workers until denoland/deno#34574). Node's `Buffer.slice` shares
 * memory, so output is copied into batches before they are transferred.
 */
const WORKER_SOURCE = `
import { constants, createZstdCompress } from "node:zlib";
const OUT_BATCH = ${BATCH_BYTES};
const streams = new Map();
function post(id, out) {
  if (out.filled === 0) return;
  const buf = out.bytes.buffer;
  self.postMessage({ id, kind: "out", buf, length: out.filled }, [buf]);
  out.bytes = new Uint8Array(OUT_BATCH);
  out.filled = 0;
}
function open(id) {
  const zstd = createZstdCompress({ params: { [constants.ZSTD_c_compressionLevel]: ${ZSTD_LEVEL} } });
  const out = { bytes: new Uint8Array(OUT_BATCH), filled: 0 };
  zstd.on("data", (chunk) => {
    let at = 0;
    while (at < chunk.length) {
      const n = Math.min(chunk.length - at, OUT_BATCH - out.filled);
      out.bytes.set(chunk.subarray(at, at + n), out.filled);
      out.filled += n;
      at += n;
      if (out.filled === OUT_BATCH) post(id, out);
    }
  });
  zstd.on("end", () => {
    post(id, out);
    streams.delete(id);
    self.postMessage({ id, kind: "end" });
  });
  zstd.on("error", (error) => {
    streams.delete(id);
    self.postMessage({ id, kind: "error", message: String(error?.message ?? error) });
  });
  streams.set(id, zstd);
}
self.onmessage = ({ data }) => {
  const { id, kind } = data;
  if (kind === "open") return open(id);
  const zstd = streams.get(id);
  if (!zstd) return;
  if (kind === "data") {
    zstd.write(new Uint8Array(data.buf, 0, data.length), () => {
      self.postMessage({ id, kind: "ack", buf: data.buf }, [data.buf]);
    });
  } else if (kind === "end") {
    zstd.end();
  } else if (kind === "abort") {
    streams.delete(id);
    zstd.destroy();
  }
};
`;

const WORKER_URL = `data:application/javascript,${encodeURIComponent(WORKER_SOURCE)}`;

interface WorkerReply {
  id: number;
  kind: "out" | "ack" | "end" | "error";
  buf?: ArrayBuffer;
  length?: number;
  message?: string;
}

interface StreamState {
  controller: TransformStreamDefaultController<Uint8Array>;
  inFlight: number;
  /** Resolves a write waiting for a batch to come back. */
  wake: (() => void) | null;
  ended: PromiseWithResolvers<void>;
  failure: Error | null;
}

/** One Worker compressing any number of streams at once. */
export class ZstdWorker {
  #worker: Worker | null = null;
  #streams = new Map<number, StreamState>();
  #nextId = 1;
  #freeBatches: ArrayBuffer[] = [];

  /** A zstd compressor (level 1) as a web stream, run on the Worker. */
  compressStream(): TransformStream<Uint8Array, Uint8Array> {
    const id = this.#nextId++;
    let state: StreamState;
    let batch: Uint8Array | null = null;
    let filled = 0;
    const send = async () => {
      if (!batch || filled === 0) return;
      while (state.inFlight >= MAX_BATCHES_IN_FLIGHT && !state.failure) {
        await new Promise<void>((resolve) => state.wake = resolve);
      }
      if (state.failure) throw state.failure;
      state.inFlight++;
      const buf = batch.buffer as ArrayBuffer;
      this.#workerOf().postMessage({ id, kind: "data", buf, length: filled }, [buf]);
      batch = null;
      filled = 0;
    };
    return new TransformStream<Uint8Array, Uint8Array>({
      start: (controller) => {
        state = {
          controller,
          inFlight: 0,
          wake: null,
          ended: Promise.withResolvers<void>(),
          failure: null,
        };
        state.ended.promise.catch(() => {});
        this.#streams.set(id, state);
        this.#workerOf().postMessage({ id, kind: "open" });
      },
      // The chunk is copied before this returns, so callers may reuse it at once.
      transform: async (chunk) => {
        if (state.failure) throw state.failure;
        let at = 0;
        while (at < chunk.length) {
          batch ??= new Uint8Array(this.#freeBatches.pop() ?? new ArrayBuffer(BATCH_BYTES));
          const n = Math.min(chunk.length - at, BATCH_BYTES - filled);
          batch.set(chunk.subarray(at, at + n), filled);
          filled += n;
          at += n;
          if (filled === BATCH_BYTES) await send();
        }
      },
      flush: async () => {
        await send();
        this.#workerOf().postMessage({ id, kind: "end" });
        await state.ended.promise;
      },
      cancel: () => {
        this.#worker?.postMessage({ id, kind: "abort" });
        this.#streams.delete(id);
      },
    });
  }

  /** Streams open now: a failed upload must release its own. */
  get openStreams(): number {
    return this.#streams.size;
  }

  /** Stops the Worker now; streams still open fail. Call it when the process's app stops. */
  close(): void {
    this.#stop(new Error("zstd worker closed"));
  }

  #workerOf(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(WORKER_URL, { type: "module", name: "zstd" });
    worker.onmessage = (event: MessageEvent<WorkerReply>) => this.#onReply(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.#stop(new Error(`zstd worker failed: ${event.message}`));
    };
    this.#worker = worker;
    return worker;
  }

  #onReply(reply: WorkerReply): void {
    const state = this.#streams.get(reply.id);
    switch (reply.kind) {
      case "ack":
        if (this.#freeBatches.length < MAX_BATCHES_IN_FLIGHT) this.#freeBatches.push(reply.buf!);
        if (!state) return;
        state.inFlight--;
        state.wake?.();
        state.wake = null;
        return;
      case "out":
        state?.controller.enqueue(new Uint8Array(reply.buf!, 0, reply.length));
        return;
      case "end":
        state?.ended.resolve();
        this.#streams.delete(reply.id);
        return;
      case "error":
        if (state) this.#fail(state, new Error(reply.message));
        this.#streams.delete(reply.id);
        return;
    }
  }

  #fail(state: StreamState, error: Error): void {
    state.failure ??= error;
    state.wake?.();
    state.wake = null;
    state.ended.reject(error);
    try {
      state.controller.error(error);
    } catch {
      // Already closed or errored.
    }
  }

  /** Terminates the Worker (the next stream starts a new one) and fails the open streams. */
  #stop(error: Error): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#freeBatches = [];
    const open = [...this.#streams.values()];
    this.#streams.clear();
    for (const state of open) this.#fail(state, error);
  }
}
