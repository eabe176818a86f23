/**
 * `GET /spend/logs` (master key): one entry per batch that cost something,
 * in LiteLLM's spend-log shape.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { listSpendLogs, type SpendLogEntry } from "../store/spend_logs.ts";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "./context.ts";
import { requireKey } from "./require_key.ts";
import { keyHashOf } from "./keys.ts";
import { parseQuery } from "./validate.ts";

/** A date (`2025-01-31`) or a full ISO time, as epoch ms. */
const DateParam = z.string().refine((s) => !Number.isNaN(Date.parse(s)), {
  error: "expected a date like 2025-01-31 or an ISO time",
}).transform((s) => Date.parse(s));

const SpendLogsQuery = z.object({
  api_key: z.string().min(1).optional(),
  user_id: z.string().min(1).optional(),
  team_id: z.string().min(1).optional(),
  start_date: DateParam.optional(),
  end_date: DateParam.optional(),
});

/** A spend log entry in LiteLLM's shape. */
export function toSpendLog(entry: SpendLogEntry) {
  return {
    request_id: entry.batchId,
    call_type: "batch",
    api_key: entry.keyHash,
    spend: entry.cost,
    total_tokens: entry.inputTokens + entry.outputTokens,
    prompt_tokens: entry.inputTokens,
    completion_tokens: entry.outputTokens,
    startTime: new Date(entry.startTime).toISOString(),
    endTime: new Date(entry.endTime).toISOString(),
    model: entry.modelId,
    model_group: entry.modelGroup,
    user: entry.userId,
    team_id: entry.teamId,
    metadata: {
      batch_id: entry.batchId,
      user_api_key_alias: entry.keyAlias,
      batch_status: entry.status,
      unpriced: entry.unpriced,
    },
  };
}

/** Spend routes. */
export function spendRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const admin = requireKey(deps, { admin: true });
  app.get("/spend/logs", admin, async (c) => {
    const q = parseQuery(c, SpendLogsQuery);
    // A date-only end_date includes that whole day.
    const end = q.end_date !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(c.req.query("end_date")!)
      ? q.end_date + 86_400_000
      : q.end_date;
    const entries = await listSpendLogs(deps.store, {
      keyHash: q.api_key ? keyHashOf(q.api_key) : undefined,
      userId: q.user_id,
      teamId: q.team_id,
      start: q.start_date,
      end,
    });
    return c.json(entries.map(toSpendLog));
  });
  return app;
}
