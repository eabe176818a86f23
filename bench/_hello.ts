/**
 * The baseline server of the API and start-up benchmarks: a bare hono
 * hello-world on the same runtime. Prints `{"port":N}` once it listens.
 * With a file path argument it also serves that file's bytes at `/body` as
 * JSON, the way Batchgate answers `GET /v1/batches/{id}` (the response size
 * alone changes what the runtime can serve).
 * @module
 */
import { Hono } from "hono";
import { say } from "../src/log.ts";

const app = new Hono();
app.get("/", (c) => c.text("Hello, World!"));
const bodyFile = Deno.args[0];
if (bodyFile) {
  const body = await Deno.readFile(bodyFile);
  const headers = { "content-type": "application/json" };
  app.get("/body", (c) => c.body(body, 200, headers));
}
Deno.serve({
  port: 0,
  hostname: "127.0.0.1",
  onListen: ({ port }) => say(JSON.stringify({ port })),
}, app.fetch);
