/**
 * Batched JSONL writing into a byte stream: lines are encoded straight into
 * a 1 MiB buffer that is written when full, so there is one write per MiB
 * instead of per line, and no joined megabyte string (V8 puts strings that
 * large in old space, where they stay until the next full GC).
 * @module
 */

/** Options of {@linkcode JsonlWriter}. */
export interface JsonlWriterOptions {
  /**
   * Reuse one buffer for every chunk. Only for destinations that copy a
   * chunk before `write()` resolves, as a `StreamingUpload` does:
   * fresh megabyte buffers that wait on backpressure outlive the young
   * generation and pile up until a full GC.
   */
  reuseBuffer?: boolean;
}

const CHUNK_BYTES = 1024 * 1024;
const NEWLINE = 10;
const encoder = new TextEncoder();

/** Collects lines and writes them to `writer` in large chunks, respecting backpressure. */
export class JsonlWriter {
  #buffer: Uint8Array | null = null;
  #filled = 0;
  #lines = 0;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  readonly #reuse: boolean;

  /**
   * @param writer Destination; undefined makes a writer that only counts
   * @param options see {@linkcode JsonlWriterOptions}
   */
  constructor(
    writer: WritableStreamDefaultWriter<Uint8Array> | undefined,
    options: JsonlWriterOptions = {},
  ) {
    this.#writer = writer;
    this.#reuse = options.reuseBuffer ?? false;
  }

  /** Lines added so far. */
  get lines(): number {
    return this.#lines;
  }

  /** Adds one line; `text` must not contain a newline (it is appended). */
  async add(text: string): Promise<void> {
    this.#lines++;
    if (!this.#writer) return;
    let rest = text;
    while (true) {
      const buffer = this.#buffer ??= new Uint8Array(CHUNK_BYTES);
      const { read, written } = encoder.encodeInto(rest, buffer.subarray(this.#filled));
      this.#filled += written;
      if (read === rest.length) break;
      // The buffer is full: a line may span chunks, the stream is only bytes.
      rest = rest.slice(read);
      await this.flush();
    }
    if (this.#filled === CHUNK_BYTES) await this.flush();
    (this.#buffer ??= new Uint8Array(CHUNK_BYTES))[this.#filled++] = NEWLINE;
    if (this.#filled === CHUNK_BYTES) await this.flush();
  }

  /** Writes what is buffered. */
  async flush(): Promise<void> {
    if (!this.#writer || !this.#buffer || this.#filled === 0) return;
    const chunk = this.#buffer.subarray(0, this.#filled);
    // Unless the destination copies, it may keep the chunk: the next lines need a new buffer.
    if (!this.#reuse) this.#buffer = null;
    this.#filled = 0;
    await this.#writer.ready;
    await this.#writer.write(chunk);
  }

  /** Flushes and closes the destination. */
  async close(): Promise<void> {
    await this.flush();
    await this.#writer?.close();
  }
}
