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

/** Buffered reader over a byte stream with delimiter search. */
class ByteReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  buf: Uint8Array = new Uint8Array(0);
  done = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  /** Appends the next chunk; false at end of stream. */
  async fill(): Promise<boolean> {
    if (this.done) return false;
    const { value, done } = await this.#reader.read();
    if (done) {
      this.done = true;
      return false;
    }
    if (this.buf.length === 0) this.buf = value;
    else {
      const next = new Uint8Array(this.buf.length + value.length);
      next.set(this.buf, 0);
      next.set(value, this.buf.length);
      this.buf = next;
    }
    return true;
  }

  consume(n: number): void {
    this.buf = this.buf.subarray(n);
  }

  cancel(): Promise<void> {
    return this.#reader.cancel().catch(() => {});
  }
}

/** Index of `needle` in `hay` from `from`, or -1. */
function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0]!;
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
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
  try {
    // Preamble: up to the first boundary.
    let at: number;
    while ((at = indexOfBytes(reader.buf, dashBoundary)) === -1) {
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
      while ((end = indexOfBytes(reader.buf, encoder.encode("\r\n\r\n"))) === -1) {
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
              const idx = indexOfBytes(reader.buf, delimiter);
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
