/**
 * OpenAI Batches API: create, retrieve, list, cancel.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { requireKey } from "../auth/require_key.ts";
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
  app.use(requireKey());

  app.post("/", async (c) => {
    const body = await parseJson(c, CreateBatchBody);
    if (isDryRun(body)) {
      return c.json(toDryRun(await planBatch(c.get("deps"), c.get("principal"), body)));
    }
    const batch = await createBatch(c.get("deps"), c.get("principal"), body);
    return c.json(toOpenAIBatch(batch));
  });

  app.get("/", async (c) => {
    const query = parseQuery(c, ListBatchesQuery);
    return c.json(await listBatches(c.get("deps"), c.get("principal"), query));
  });

  app.get("/:id", (c): Response | Promise<Response> => {
    const deps = c.get("deps");
    const principal = c.get("principal");
    const id = c.req.param("id");
    // Clients poll: an ended batch this instance has seen is answered without awaiting.
    const ended = peekVisibleEndedBatch(deps.kv, principal, id);
    if (ended) return c.body(openAIBatchBody(ended), 200, JSON_HEADERS);
    return retrieveBatch(deps, principal, id).then((batch) =>
      c.body(openAIBatchBody(batch), 200, JSON_HEADERS)
    );
  });

  app.post("/:id/cancel", async (c) => {
    const batch = await cancelBatch(c.get("deps"), c.get("principal"), c.req.param("id"));
    return c.json(toOpenAIBatch(batch));
  });
  return app;
}
