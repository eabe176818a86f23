/**
 * One write per response on keep-alive connections.
 *
 * Deno's HTTP/1 server writes a response's head and body with one `sendto`
 * only when both fit the connection's head buffer. That buffer starts at 512
 * bytes and grows, for the rest of the connection, only when a head outgrows
 * it. Batchgate's JSON answers are larger (a batch object alone is 500 to 900
 * bytes), so each went out in two calls, and the client woke twice per answer:
 * `GET /v1/batches/{id}` served a third fewer requests per second for it
 * (measured in `bench/RESULTS.md`, Deno 2.9.6).
 *
 * So the first response on each keep-alive connection carries one padding
 * header, {@linkcode WRITE_BUFFER_HEADER}, about 1 KB: its head grows the buffer
 * once, and every later response on that connection up to about 2 KB (head and
 * body) goes out in one call. The padding costs one larger response per
 * connection; a runtime that buffers differently only loses the gain.
 * @module
 */

/** The padding header's name. Clients can ignore it. */
export const WRITE_BUFFER_HEADER = "x-batchgate-write-buffer";

/** A head this size grows the buffer to hold about 2 KB responses (measured, Deno 2.9.6). */
const PADDING = "0".repeat(1000);

/**
 * Connections seen, by remote address and port. There is no close event to
 * forget one: the set is cleared when full, which pads some live connections'
 * next response once more. A new connection that reuses a forgotten address
 * and port goes unpadded, as all were before.
 */
const MAX_TRACKED_CONNECTIONS = 10_000;

/** Pads the head of the first response on each keep-alive connection. */
export class FirstResponsePadding {
  #seen = new Set<string>();

  /** Returns `response`, with the padding header if it is its connection's first. */
  pass<R extends Response | Promise<Response>>(
    request: Request,
    info: Deno.ServeHandlerInfo,
    response: R,
  ): R {
    const addr = info.remoteAddr;
    if (addr.transport !== "tcp") return response;
    const connection = `${addr.hostname}:${addr.port}`;
    if (this.#seen.has(connection)) return response;
    if (this.#seen.size >= MAX_TRACKED_CONNECTIONS) this.#seen.clear();
    this.#seen.add(connection);
    // A connection that closes after this answer gains nothing.
    if (/\bclose\b/i.test(request.headers.get("connection") ?? "")) return response;
    return (response instanceof Promise ? response.then(withPadding) : withPadding(response)) as R;
  }
}

function withPadding(response: Response): Response {
  try {
    response.headers.set(WRITE_BUFFER_HEADER, PADDING);
  } catch {
    // Immutable headers (a response passed through from fetch): send it as it is.
  }
  return response;
}
