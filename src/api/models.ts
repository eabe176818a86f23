/**
 * Model listing: OpenAI's `GET /v1/models` (also `/models`) and LiteLLM's
 * `GET /model_group/info`. Any valid key may call them; each caller sees
 * only the model groups it may use.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { canUseModel, type Principal } from "../auth/principal.ts";
import type { Config, Deployment } from "../config/load.ts";
import type { ModelInfo } from "../config/schema.ts";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "./context.ts";
import { requireKey } from "./require_key.ts";
import { batchPriceFor, onDemandPriceFor } from "../pricing/prices.ts";
import { parseQuery } from "./validate.ts";

/** The model groups `principal` may use, in config order. */
export function visibleGroups(config: Config, principal: Principal): [string, Deployment[]][] {
  return [...config.modelGroups].filter(([name]) => canUseModel(principal, name));
}

type CostField =
  | "input_cost_per_token"
  | "output_cost_per_token"
  | "input_cost_per_token_batches"
  | "output_cost_per_token_batches";

/** The first deployment's value of a `model_info` field, or null when none sets it. */
function firstInfo<K extends keyof ModelInfo>(
  deployments: readonly Deployment[],
  field: K,
): NonNullable<ModelInfo[K]> | null {
  for (const d of deployments) {
    const value = d.modelInfo[field];
    if (value !== undefined && value !== null) return value;
  }
  return null;
}

/** One `/model_group/info` entry in LiteLLM's shape. */
export function toModelGroupInfo(
  name: string,
  deployments: readonly Deployment[],
): Record<string, unknown> {
  // Prices of the first deployment: config overrides, else the built-in table.
  const first = deployments[0]!;
  const onDemand = onDemandPriceFor(first.modelId, first.modelInfo);
  const batch = batchPriceFor(first.modelId, first.modelInfo);
  const costs: Record<CostField, number | null> = {
    input_cost_per_token: onDemand.known ? onDemand.inputPerToken : null,
    output_cost_per_token: onDemand.known ? onDemand.outputPerToken : null,
    input_cost_per_token_batches: batch.known ? batch.inputPerToken : null,
    output_cost_per_token_batches: batch.known ? batch.outputPerToken : null,
  };
  return {
    model_group: name,
    providers: ["bedrock"],
    mode: firstInfo(deployments, "mode") ?? "batch",
    max_input_tokens: null,
    max_output_tokens: null,
    ...costs,
    /** No price in config or the built-in table: batches run and cost 0. */
    unpriced: !batch.known,
    tpm: null,
    rpm: null,
  };
}

/** The model listing routes. */
export function modelRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const member = requireKey(deps);
  // OpenAI wants a creation time; the time the routes first answered is as good as any.
  let created: number | undefined;

  app.on("GET", ["/v1/models", "/models"], member, (c) => {
    const principal = c.var.principal;
    const { config } = deps;
    created ??= Math.floor(deps.clock.now() / 1000);
    const data = visibleGroups(config, principal).map(([id]) => ({
      id,
      object: "model",
      created,
      owned_by: "batchgate",
    }));
    return c.json({ object: "list", data });
  });

  app.get("/model_group/info", member, (c) => {
    const principal = c.var.principal;
    const query = parseQuery(c, z.object({ model_group: z.string().min(1).optional() }));
    const groups = visibleGroups(deps.config, principal)
      .filter(([name]) => query.model_group === undefined || name === query.model_group);
    return c.json({
      data: groups.map(([name, deployments]) => toModelGroupInfo(name, deployments)),
    });
  });

  return app;
}
