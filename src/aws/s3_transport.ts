/**
 * The HTTP transport of our S3 clients: GET requests go over `fetch`,
 * everything else over `node:http` (the SDK's default handler). Measured on
 * Deno 2.9 (bench/RESULTS.md):
 * - A GetObject body read through `node:http` arrives as fresh buffers that
 *   stay as garbage outside V8's heap until its next full GC: converting a
 *   151 MB Bedrock output peaked at 257 MiB RSS, against 171 MiB when the
 *   body is a `fetch` byte stream.
 * - Part uploads over `fetch` raised the ingest peak RSS from about 180 to
 *   280 MiB, so uploads stay on `node:http`.
 * @module
 */
import { FetchHttpHandler } from "@smithy/fetch-http-handler";
import { NodeHttpHandler } from "@smithy/node-http-handler";

type Request = Parameters<FetchHttpHandler["handle"]>[0];
type Options = Parameters<FetchHttpHandler["handle"]>[1];

/** Routes each S3 request to `fetch` (GET) or `node:http` (the rest). */
export class S3Transport {
  readonly #fetch = new FetchHttpHandler();
  readonly #node = new NodeHttpHandler();

  /** Sends one request. */
  handle(request: Request, options?: Options): ReturnType<FetchHttpHandler["handle"]> {
    if (request.method !== "GET") {
      return this.#node.handle(request, options) as ReturnType<FetchHttpHandler["handle"]>;
    }
    return this.#fetch.handle(request, options).catch((error: unknown) => {
      // Deno's fetch reports a refused or dropped connection as a bare TypeError, which the
      // SDK does not retry (node:http's ECONNRESET it does): mark it retryable, its own way.
      if (error instanceof TypeError) Object.assign(error, { $retryable: {} });
      throw error;
    });
  }

  /** Configuration of the `node:http` side, which most requests use. */
  httpHandlerConfigs(): ReturnType<NodeHttpHandler["httpHandlerConfigs"]> {
    return this.#node.httpHandlerConfigs();
  }

  /** Sets a configuration value on both sides where it applies. */
  updateHttpClientConfig(key: string, value: unknown): void {
    this.#node.updateHttpClientConfig(key as never, value as never);
    this.#fetch.updateHttpClientConfig(key as never, value as never);
  }

  /** Closes both sides' connections. */
  destroy(): void {
    this.#fetch.destroy();
    this.#node.destroy();
  }
}
