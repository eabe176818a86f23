/**
 * Builds the HTTP app: routes, the one error responder, 404 and 405.
 * @module
 */
import { Hono } from "hono";
import { ApiError } from "../errors.ts";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "./context.ts";
import { respondToError } from "./respond_error.ts";
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
 * const app = createApp(createDeps({ config, store: await openDenoKvStore(path) }));
 * Deno.serve(app.fetch);
 * ```
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.route("/", healthRoutes(deps));
  app.route("/", modelRoutes(deps));
  app.route("/", keyRoutes(deps));
  app.route("/", userRoutes(deps));
  app.route("/", teamRoutes(deps));
  app.route("/", spendRoutes(deps));
  for (const base of ["/v1", ""]) {
    app.route(`${base}/files`, fileRoutes(deps));
    app.route(`${base}/batches`, batchRoutes(deps));
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
