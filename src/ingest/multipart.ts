/**
 * A streaming `multipart/form-data` parser. Hono's and the platform's
 * `formData()` read the whole body into memory; a batch file can be 1 GB,
 * so parts are handed out as streams while the body is still arriving.
 * @module
 */

/** One part of a multipart body. Consume or cancel `body` before asking for the next part. */
export interface MultipartPart {
  name: string;
  filename: string | null;
  contentType: string | null;
  body: ReadableStream<Uint8Array>;
}

/** A body that is not valid multipart. */
export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MultipartError";
  }
}

const CR = 13;
const MAX_HEADER_BYTES = 16 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The boundary of a `multipart/form-data` content type, or null. */
export function boundaryOf(contentType: string | undefined | null): string | null {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return null;
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

/** Bytes read from the body before they are parsed, and the size of the chunks parts get. */
const CHUNK_BYTES = 256 * 1024;
/**
 * Bytes asked of the runtime per read. Deno's request body reads cost time
 * in proportion to what is still buffered when a read asks for 64 KiB or
 * more, which a handler that waits on S3 between reads always has: a 400 MB
 * body with pauses took 2.1 s of CPU and 135 MB of RSS with the default
 * reader, 0.7 s and 58 MB with 16 KiB reads (bench/RESULTS.md).
 */
const READ_BYTES = 16 * 1024;

/**
 * Buffered reader over a byte stream with delimiter search. Fills fresh
 * {@linkcode CHUNK_BYTES} buffers through a BYOB reader where the stream
 * has one (a request body does), so parts get large chunks from small reads.
 */
class ByteReader {
  #byob: ReadableStreamBYOBReader | null = null;
  #reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  buf: Uint8Array = new Uint8Array(0);
  done = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    try {
      this.#byob = stream.getReader({ mode: "byob" });
    } catch {
      // Not a byte stream (a body built from a JS stream): chunks as they come.
      this.#reader = stream.getReader();
    }
  }

  /** Appends more bytes; false at end of stream. */
  async fill(): Promise<boolean> {
    if (this.done) return false;
    if (this.#byob) return await this.#fillByob(this.#byob);
    const { value, done } = await this.#reader!.read();
    if (done) {
      this.done = true;
      return false;
    }
    this.buf = this.buf.length === 0
      ? value
      : concat([this.buf, value], this.buf.length + value.length);
    return true;
  }

  /** Reads into a fresh chunk that starts with the unconsumed bytes, until it is full or the stream ends. */
  async #fillByob(reader: ReadableStreamBYOBReader): Promise<boolean> {
    const kept = this.buf.length;
    let buffer = new ArrayBuffer(Math.max(CHUNK_BYTES, 2 * kept));
    new Uint8Array(buffer).set(this.buf);
    let filled = kept;
    while (filled < buffer.byteLength) {
      const view = new Uint8Array(buffer, filled, Math.min(READ_BYTES, buffer.byteLength - filled));
      const { value, done } = await reader.read(view);
      // The read transfers the buffer: keep using the one it hands back.
      if (value) buffer = value.buffer as ArrayBuffer;
      if (done) {
        this.done = true;
        break;
      }
      filled += value!.length;
    }
    this.buf = new Uint8Array(buffer, 0, filled);
    return filled > kept;
  }

  consume(n: number): void {
    this.buf = this.buf.subarray(n);
  }

  cancel(): Promise<void> {
    return (this.#byob ?? this.#reader)!.cancel().catch(() => {});
  }
}

/**
 * Finds one byte string in others (Boyer-Moore-Horspool): mismatches skip
 * ahead by up to the needle's length, so a part body is scanned for its
 * delimiter (`\r\n--` and a boundary of 30-70 bytes) at a few bytes a step
 * rather than one: a third of the time of a `indexOf` for the first byte.
 */
class BytesFinder {
  readonly #needle: Uint8Array;
  readonly #skip = new Int32Array(256);

  constructor(needle: Uint8Array) {
    this.#needle = needle;
    this.#skip.fill(needle.length);
    for (let i = 0; i < needle.length - 1; i++) this.#skip[needle[i]!] = needle.length - 1 - i;
  }

  /** Index of the needle in `hay`, or -1. */
  in(hay: Uint8Array): number {
    const needle = this.#needle;
    const last = needle.length - 1;
    const end = hay.length - needle.length;
    let i = 0;
    while (i <= end) {
      let j = last;
      while (hay[i + j] === needle[j]) {
        if (j === 0) return i;
        j--;
      }
      i += this.#skip[hay[i + last]!]!;
    }
    return -1;
  }
}

function parseHeaders(
  text: string,
): { name: string; filename: string | null; type: string | null } {
  let name: string | null = null;
  let filename: string | null = null;
  let type: string | null = null;
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === "content-disposition") {
      name = /\bname="([^"]*)"/i.exec(value)?.[1] ?? /\bname=([^;\s]+)/i.exec(value)?.[1] ?? null;
      filename = /\bfilename="([^"]*)"/i.exec(value)?.[1] ??
        /\bfilename=([^;\s]+)/i.exec(value)?.[1] ?? null;
    } else if (key === "content-type") type = value;
  }
  if (name === null) throw new MultipartError("Cannot parse multipart body: a part has no name");
  return { name, filename, type };
}

/**
 * Yields the parts of a multipart body one at a time.
 * @throws {MultipartError} for a malformed body
 */
export async function* parseMultipart(
  body: ReadableStream<Uint8Array>,
  boundary: string,
): AsyncGenerator<MultipartPart> {
  const reader = new ByteReader(body);
  const dashBoundary = encoder.encode(`--${boundary}`);
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  const findDashBoundary = new BytesFinder(dashBoundary);
  const findDelimiter = new BytesFinder(delimiter);
  const findHeadersEnd = new BytesFinder(encoder.encode("\r\n\r\n"));
  try {
    // Preamble: up to the first boundary.
    let at: number;
    while ((at = findDashBoundary.in(reader.buf)) === -1) {
      // A preamble is legal but clients send none: never buffer a body that has no boundary.
      if (reader.buf.length > MAX_HEADER_BYTES) {
        throw new MultipartError(
          `Cannot parse multipart body: no boundary in the first ${MAX_HEADER_BYTES} bytes`,
        );
      }
      if (!(await reader.fill())) {
        throw new MultipartError("Cannot parse multipart body: no boundary");
      }
    }
    reader.consume(at + dashBoundary.length);
    while (true) {
      while (reader.buf.length < 2) {
        if (!(await reader.fill())) {
          throw new MultipartError("Cannot parse multipart body: truncated");
        }
      }
      if (reader.buf[0] === 45 && reader.buf[1] === 45) return; // "--": final boundary
      if (reader.buf[0] !== CR || reader.buf[1] !== 10) {
        throw new MultipartError("Cannot parse multipart body: bad boundary line");
      }
      reader.consume(2);
      let end: number;
      while ((end = findHeadersEnd.in(reader.buf)) === -1) {
        if (reader.buf.length > MAX_HEADER_BYTES) {
          throw new MultipartError("Cannot parse multipart body: part headers too large");
        }
        if (!(await reader.fill())) {
          throw new MultipartError("Cannot parse multipart body: truncated");
        }
      }
      const headers = parseHeaders(decoder.decode(reader.buf.subarray(0, end)));
      reader.consume(end + 4);
      let finished = false;
      const { promise: bodyDone, resolve: markDone } = Promise.withResolvers<void>();
      let failure: unknown = null;
      const partBody = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            while (true) {
              const idx = findDelimiter.in(reader.buf);
              if (idx !== -1) {
                if (idx > 0) controller.enqueue(reader.buf.subarray(0, idx));
                reader.consume(idx + delimiter.length);
                finished = true;
                controller.close();
                markDone();
                return;
              }
              // Everything but a possible partial delimiter at the end is body.
              const safe = reader.buf.length - (delimiter.length - 1);
              if (safe > 0) {
                controller.enqueue(reader.buf.subarray(0, safe));
                reader.consume(safe);
                return;
              }
              if (!(await reader.fill())) {
                throw new MultipartError("Cannot parse multipart body: truncated part");
              }
            }
          } catch (error) {
            failure = error;
            controller.error(error);
            markDone();
          }
        },
        cancel() {
          markDone();
        },
      }, { highWaterMark: 0 });
      yield {
        name: headers.name,
        filename: headers.filename,
        contentType: headers.type,
        body: partBody,
      };
      if (!finished && failure === null) {
        // The consumer skipped the rest of this part: read through it.
        const rest = partBody.getReader();
        while (!(await rest.read()).done) { /* skip */ }
      }
      await bodyDone;
      if (failure !== null) throw failure;
    }
  } finally {
    await reader.cancel();
  }
}

/** Reads a small text field, refusing values over `maxBytes`. */
export async function readField(part: MultipartPart, maxBytes = 64 * 1024): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of part.body) {
    size += chunk.length;
    if (size > maxBytes) {
      throw new MultipartError(
        `Cannot read form field '${part.name}': larger than ${maxBytes} bytes`,
      );
    }
    chunks.push(chunk);
  }
  return decoder.decode(concat(chunks, size));
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
