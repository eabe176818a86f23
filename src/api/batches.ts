/**
 * OpenAI Batches API: create, retrieve, list, cancel.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { createBatch, CreateBatchBody, isDryRun, planBatch, toDryRun } from "../batches/create.ts";
import { cancelBatch, listBatches, retrieveBatch } from "../batches/batches.ts";
import { openAIBatchBody, toOpenAIBatch } from "../batches/status.ts";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "./context.ts";
import { requireKey } from "./require_key.ts";
import { parseJson, parseQuery } from "./validate.ts";

const ListBatchesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.string().optional(),
});

const JSON_HEADERS = { "content-type": "application/json" };

/** Routes under `/v1/batches` (also mounted at `/batches`). */
export function batchRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const member = requireKey(deps);
  app.post("/", member, async (c) => {
    const principal = c.var.principal;
    const body = await parseJson(c, CreateBatchBody);
    if (isDryRun(body)) {
      return c.json(toDryRun(await planBatch(deps, principal, body)));
    }
    const batch = await createBatch(deps, principal, body);
    return c.json(toOpenAIBatch(batch));
  });

  app.get("/", member, async (c) => {
    const principal = c.var.principal;
    const query = parseQuery(c, ListBatchesQuery);
    return c.json(await listBatches(deps, principal, query));
  });

  app.get("/:id", member, async (c) => {
    const batch = await retrieveBatch(deps, c.var.principal, c.req.param("id"));
    return c.body(openAIBatchBody(batch), 200, JSON_HEADERS);
  });

  app.post("/:id/cancel", member, async (c) => {
    const principal = c.var.principal;
    const batch = await cancelBatch(deps, principal, c.req.param("id"));
    return c.json(toOpenAIBatch(batch));
  });
  return app;
}
