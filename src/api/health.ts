/**
 * `GET /health/liveliness` and `GET /health/readiness`.
 * @module
 */
import { Hono } from "hono";
import { VERSION } from "../version.ts";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "./context.ts";

/** Health routes; they need no key, like LiteLLM's. */
export function healthRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/health/liveliness", (c) => c.json({ status: "healthy" }));
  app.get("/health/readiness", async (c) => {
    const { store, config } = deps;
    try {
      await store.get(["health"]);
    } catch (error) {
      return c.json({ status: "unhealthy", store: "error", error: (error as Error).message }, 503);
    }
    return c.json({
      status: "healthy",
      store: store.kind,
      version: VERSION,
      model_groups: config.modelGroups.size,
    });
  });
  return app;
}
