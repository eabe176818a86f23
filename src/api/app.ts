/**
 * Builds the HTTP app: routes, the one error responder, 404 and 405.
 * @module
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { ApiError } from "../errors.ts";
import { log } from "../log.ts";
import type { AppDeps, AppEnv } from "./context.ts";
import { batchRoutes } from "./batches.ts";
import { fileRoutes } from "./files.ts";
import { healthRoutes } from "./health.ts";
import { spendRoutes } from "./spend.ts";
import { keyRoutes } from "./keys.ts";
import { modelRoutes } from "./models.ts";
import { teamRoutes } from "./teams.ts";
import { userRoutes } from "./users.ts";

/**
 * Creates the Batchgate app over the given dependencies.
 * @example
 * ```ts ignore
 * const app = createApp({ config, kv, aws, now: Date.now, tasks, zstd, instanceId });
 * Deno.serve(app.fetch);
 * ```
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // The deps travel as hono's env (`c.env.deps`) whoever calls fetch (Deno.serve passes its
  // connection info there, tests call `app.request`): no middleware runs on every request, so
  // hono calls a route's one handler directly.
  const dispatch = app.fetch;
  app.fetch = (request, _env, executionCtx) => dispatch(request, { deps }, executionCtx);

  app.route("/", healthRoutes());
  app.route("/", modelRoutes());
  app.route("/", keyRoutes());
  app.route("/", userRoutes());
  app.route("/", teamRoutes());
  app.route("/", spendRoutes());
  for (const base of ["/v1", ""]) {
    app.route(`${base}/files`, fileRoutes());
    app.route(`${base}/batches`, batchRoutes());
  }

  app.notFound((c) => {
    const allowed = allowedMethods(app, c.req.path);
    if (allowed.length > 0 && !allowed.includes(c.req.method)) {
      const err = new ApiError(405, `Method ${c.req.method} is not allowed on ${c.req.path}`, {
        code: "method_not_allowed",
      });
      const res = err.getResponse();
      res.headers.set("Allow", allowed.join(", "));
      return res;
    }
    return new ApiError(404, `Unknown route: ${c.req.method} ${c.req.path}`, {
      code: "unknown_route",
    }).getResponse();
  });

  app.onError((error, c) => respondToError(error, c.req.method, c.req.path));
  return app;
}

/** Renders any thrown value as an OpenAI-shaped error response. */
export function respondToError(error: unknown, method: string, path: string): Response {
  if (error instanceof ApiError) return error.getResponse();
  if (error instanceof HTTPException) {
    // hono's own errors (malformed JSON body and the like) keep their status.
    return new ApiError(error.status, error.message || "Bad request").getResponse();
  }
  log.error("Unhandled error", {
    method,
    path,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  return new ApiError(500, "Internal server error", { type: "server_error" }).getResponse();
}

function allowedMethods(app: Hono<AppEnv>, path: string): string[] {
  const methods = new Set<string>();
  for (const route of app.routes) {
    if (route.method === "ALL") continue;
    const pattern = "^" +
      route.path.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\/:[^/]+/g, "/[^/]+")
        .replace(/\*/g, ".*") +
      "/?$";
    if (new RegExp(pattern).test(path)) methods.add(route.method);
  }
  return [...methods];
}
