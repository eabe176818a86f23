/**
 * The baseline server of the API and start-up benchmarks: a bare hono
 * hello-world on the same runtime. Prints `{"port":N}` once it listens.
 * @module
 */
import { Hono } from "hono";
import { say } from "../src/log.ts";

const app = new Hono();
app.get("/", (c) => c.text("Hello, World!"));
Deno.serve({
  port: 0,
  hostname: "127.0.0.1",
  onListen: ({ port }) => say(JSON.stringify({ port })),
}, app.fetch);
