/**
 * OpenAI Batches API: create, retrieve, list, cancel.
 * @module
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { authenticate } from "../auth/authenticate.ts";
import type { Principal } from "../auth/principal.ts";
import { createBatch, CreateBatchBody, isDryRun, planBatch, toDryRun } from "../batches/create.ts";
import { cancelBatch, listBatches, retrieveBatch } from "../batches/batches.ts";
import { peekVisibleEndedBatch } from "../store/batches.ts";
import { openAIBatchBody, toOpenAIBatch } from "../batches/status.ts";
import type { AppEnv } from "./context.ts";
import { parseJson, parseQuery } from "./validate.ts";

const ListBatchesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.string().optional(),
});

const JSON_HEADERS = { "content-type": "application/json" };

/** Routes under `/v1/batches` (also mounted at `/batches`). */
export function batchRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/", async (c) => {
    const principal = await authenticate(c);
    const body = await parseJson(c, CreateBatchBody);
    if (isDryRun(body)) {
      return c.json(toDryRun(await planBatch(c.env.deps, principal, body)));
    }
    const batch = await createBatch(c.env.deps, principal, body);
    return c.json(toOpenAIBatch(batch));
  });

  app.get("/", async (c) => {
    const principal = await authenticate(c);
    const query = parseQuery(c, ListBatchesQuery);
    return c.json(await listBatches(c.env.deps, principal, query));
  });

  app.get("/:id", (c): Response | Promise<Response> => {
    // Clients poll this route: with a cached key and an ended batch it answers without awaiting.
    const principal = authenticate(c);
    return principal instanceof Promise
      ? principal.then((p) => batchResponse(c, p))
      : batchResponse(c, principal);
  });

  app.post("/:id/cancel", async (c) => {
    const principal = await authenticate(c);
    const batch = await cancelBatch(c.env.deps, principal, c.req.param("id"));
    return c.json(toOpenAIBatch(batch));
  });
  return app;
}

/** `GET /v1/batches/{id}`: an ended batch this instance has seen comes from memory. */
function batchResponse(c: Context<AppEnv>, principal: Principal): Response | Promise<Response> {
  const deps = c.env.deps;
  const id = c.req.param("id") ?? "";
  const ended = peekVisibleEndedBatch(deps.kv, principal, id);
  if (ended) return c.body(openAIBatchBody(ended), 200, JSON_HEADERS);
  return retrieveBatch(deps, principal, id).then((batch) =>
    c.body(openAIBatchBody(batch), 200, JSON_HEADERS)
  );
}
