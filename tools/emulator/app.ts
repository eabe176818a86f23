/**
 * The emulator's HTTP app: the four Bedrock batch operations in REST-JSON,
 * request recording, and the `/_emulator` control routes.
 * @module
 */
import { Hono } from "hono";
import { log } from "../../src/log.ts";
import type { JobStore } from "./jobs.ts";
import { listJobs } from "./list.ts";
import { toJobSummary } from "./render.ts";
import { ServiceError } from "./service_error.ts";
import { parseCreateJobRequest } from "./validate.ts";

/** A Bedrock API call the emulator received. */
export interface RecordedRequest {
  method: string;
  /** URL-decoded path, e.g. `/model-invocation-job/arn:aws:bedrock:…/abcd1234efgh`. */
  path: string;
  query: Record<string, string>;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Parsed JSON body, the raw text when it is not JSON, or null when empty. */
  body: unknown | null;
  /** Epoch milliseconds when it arrived. */
  time: number;
}

/** What {@linkcode createEmulatorApp} works on. */
export interface EmulatorAppDeps {
  store: JobStore;
  /** Appended to for every Bedrock call (not for `/_emulator` routes). */
  requests: RecordedRequest[];
  now: () => number;
}

interface EmulatorEnv {
  Variables: { requestId: string; body: unknown };
}

/** The prefix of the emulator's own routes, which are not recorded. */
export const CONTROL_PREFIX = "/_emulator";

/** Sentinel for a body that is not JSON; Create answers it with a SerializationException. */
const NOT_JSON = Symbol("not JSON");

/** Builds the emulator's hono app. */
export function createEmulatorApp(deps: EmulatorAppDeps): Hono<EmulatorEnv> {
  const { store, requests } = deps;
  const app = new Hono<EmulatorEnv>();

  app.use(async function requestId(c, next) {
    const id = crypto.randomUUID();
    c.set("requestId", id);
    await next();
    c.res.headers.set("x-amzn-RequestId", id);
  });

  app.use(async function record(c, next) {
    const url = new URL(c.req.url);
    if (url.pathname.startsWith(CONTROL_PREFIX)) return await next();
    const text = await c.req.text();
    let body: unknown = null;
    let parsed: unknown = null;
    if (text.trim() !== "") {
      try {
        body = parsed = JSON.parse(text);
      } catch {
        body = text;
        parsed = NOT_JSON;
      }
    }
    c.set("body", parsed);
    requests.push({
      method: c.req.method,
      path: safeDecode(url.pathname),
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(c.req.raw.headers),
      body,
      time: deps.now(),
    });
    await next();
  });

  app.post("/model-invocation-job", (c) => {
    const body = c.get("body");
    if (body === NOT_JSON) {
      throw new ServiceError("SerializationException", "Cannot parse request body: not JSON");
    }
    const job = store.create(parseCreateJobRequest(body));
    return c.json({ jobArn: job.arn });
  });

  app.get("/model-invocation-job/:jobIdentifier", (c) => {
    const job = store.find(c.req.param("jobIdentifier"));
    return c.json(toJobSummary(job, store.counts(job)));
  });

  app.post("/model-invocation-job/:jobIdentifier/stop", (c) => {
    store.stop(c.req.param("jobIdentifier"));
    return c.json({});
  });

  app.get("/model-invocation-jobs", (c) => {
    return c.json(listJobs(store, Object.fromEntries(new URL(c.req.url).searchParams)));
  });

  app.get(`${CONTROL_PREFIX}/health`, (c) => c.json({ status: "ok", jobs: store.all().length }));
  app.get(`${CONTROL_PREFIX}/requests`, (c) => c.json(requests));
  app.delete(`${CONTROL_PREFIX}/requests`, (c) => {
    requests.length = 0;
    return c.body(null, 204);
  });

  app.notFound((c) => {
    const error = new ServiceError(
      "UnknownOperationException",
      `Unknown operation: ${c.req.method} ${safeDecode(new URL(c.req.url).pathname)}`,
    );
    return error.toResponse(c.get("requestId"));
  });

  app.onError((error, c) => {
    if (error instanceof ServiceError) return error.toResponse(c.get("requestId"));
    log.error("Emulator request failed", {
      method: c.req.method,
      path: c.req.path,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    return new ServiceError("InternalServerException", "Internal server error")
      .toResponse(c.get("requestId"));
  });
  return app;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
