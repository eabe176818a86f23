import assert from "assert";
import { startBatchgate } from "../../src/server.ts";
import { FirstResponsePadding, WRITE_BUFFER_HEADER } from "../../src/api/write_buffer.ts";
import { testConfig } from "../_helpers/app.ts";

interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** One HTTP/1.1 connection, read by hand so that the test knows which connection answered. */
class RawConnection {
  #buffered = new Uint8Array(0);
  private constructor(private readonly conn: Deno.TcpConn) {}

  static async open(port: number): Promise<RawConnection> {
    return new RawConnection(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  async get(path: string, extraHeaders = ""): Promise<RawResponse> {
    const request = `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${extraHeaders}\r\n`;
    await this.conn.write(new TextEncoder().encode(request));
    const headEnd = await this.#readUntilHeadEnd();
    const head = new TextDecoder().decode(this.#buffered.subarray(0, headEnd));
    const [statusLine, ...lines] = head.split("\r\n");
    const headers = new Map(lines.map((line) => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as const;
    }));
    const length = Number(headers.get("content-length"));
    await this.#fill(headEnd + 4 + length);
    const body = new TextDecoder().decode(
      this.#buffered.subarray(headEnd + 4, headEnd + 4 + length),
    );
    this.#buffered = this.#buffered.slice(headEnd + 4 + length);
    return { status: Number(statusLine!.split(" ")[1]), headers, body };
  }

  close(): void {
    this.conn.close();
  }

  async #readUntilHeadEnd(): Promise<number> {
    for (;;) {
      const text = new TextDecoder().decode(this.#buffered);
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0) return end;
      await this.#fill(this.#buffered.length + 1);
    }
  }

  async #fill(size: number): Promise<void> {
    while (this.#buffered.length < size) {
      const chunk = new Uint8Array(16 * 1024);
      const n = await this.conn.read(chunk);
      if (n === null) throw new Error("connection closed early");
      const joined = new Uint8Array(this.#buffered.length + n);
      joined.set(this.#buffered);
      joined.set(chunk.subarray(0, n), this.#buffered.length);
      this.#buffered = joined;
    }
  }
}

async function withServer(fn: (port: number) => Promise<void>): Promise<void> {
  const running = await startBatchgate({
    config: testConfig(),
    kv: ":memory:",
    port: 0,
    host: "127.0.0.1",
    poll: false,
  });
  try {
    await fn(running.port);
  } finally {
    await running.shutdown();
  }
}

Deno.test("the first response on a keep-alive connection carries the write-buffer padding, later ones do not", async () => {
  await withServer(async (port) => {
    const conn = await RawConnection.open(port);
    try {
      const first = await conn.get("/health/liveliness");
      assert.equal(first.status, 200);
      assert.deepEqual(JSON.parse(first.body), { status: "healthy" });
      assert.equal(first.headers.get(WRITE_BUFFER_HEADER)?.length, 1000);
      // Later answers on the same connection, an error response among them, are unpadded.
      const second = await conn.get("/health/liveliness");
      assert.equal(second.status, 200);
      assert.equal(second.headers.has(WRITE_BUFFER_HEADER), false);
      const missing = await conn.get("/v1/nothing-here");
      assert.equal(missing.status, 404);
      assert.equal(JSON.parse(missing.body).error.code, "unknown_route");
      assert.equal(missing.headers.has(WRITE_BUFFER_HEADER), false);
    } finally {
      conn.close();
    }
    // A new connection gets its own padded first answer, here from an async route.
    const other = await RawConnection.open(port);
    try {
      const first = await other.get("/health/readiness");
      assert.equal(first.status, 200);
      assert.equal(JSON.parse(first.body).kv, "connected");
      assert.equal(first.headers.get(WRITE_BUFFER_HEADER)?.length, 1000);
    } finally {
      other.close();
    }
  });
});

Deno.test("a request that closes its connection gets no write-buffer padding", async () => {
  await withServer(async (port) => {
    const conn = await RawConnection.open(port);
    try {
      const res = await conn.get("/health/liveliness", "connection: close\r\n");
      assert.equal(res.status, 200);
      assert.equal(res.headers.has(WRITE_BUFFER_HEADER), false);
    } finally {
      conn.close();
    }
  });
});

function infoFor(port: number): Deno.ServeHandlerInfo {
  return {
    remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port },
    completed: Promise.resolve(),
  };
}

Deno.test("FirstResponsePadding pads promised responses and passes immutable ones untouched", async () => {
  const padding = new FirstResponsePadding();
  const request = new Request("http://127.0.0.1/");
  const promised = await padding.pass(request, infoFor(1001), Promise.resolve(new Response("{}")));
  assert.equal(promised.headers.get(WRITE_BUFFER_HEADER)?.length, 1000);
  // Response.error() has immutable headers: the response is sent as it is.
  const immutable = Response.error();
  assert.equal(padding.pass(request, infoFor(1002), immutable), immutable);
  assert.equal(immutable.headers.has(WRITE_BUFFER_HEADER), false);
});

Deno.test("FirstResponsePadding forgets connections once it tracks 10,000, and pads them once more", () => {
  const padding = new FirstResponsePadding();
  const request = new Request("http://127.0.0.1/");
  const padded = (port: number) =>
    padding.pass(request, infoFor(port), new Response("{}")).headers.has(WRITE_BUFFER_HEADER);
  assert.equal(padded(1), true);
  assert.equal(padded(1), false);
  for (let port = 2; port <= 10_000; port++) padded(port);
  // The 10,001st connection clears the set: port 1 is new again afterwards.
  assert.equal(padded(10_001), true);
  assert.equal(padded(1), true);
  assert.equal(padded(10_001), false);
});
