/**
 * Authentication as hono middleware: checks the caller's key and leaves the
 * caller in `c.var.principal`.
 * @module
 */
import { createMiddleware } from "hono/factory";
import { authenticate, type AuthenticateOptions, type KeyChecker } from "../auth/authenticate.ts";
import type { KeyCache } from "../auth/key_cache.ts";
import type { AppEnv } from "./context.ts";

/**
 * Middleware that lets only callers with a valid key through.
 * @example
 * ```ts ignore
 * app.post("/key/generate", requireKey(deps, { admin: true }), handler);
 * ```
 */
export function requireKey(checker: KeyChecker, options: AuthenticateOptions = {}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set("principal", await authenticate(c.req.raw.headers, checker, options));
    await next();
  });
}

/**
 * Middleware that drops this instance's cached keys after a successful
 * change of keys, users or teams, so the change holds at once here (other
 * instances see it through the auth epoch).
 */
export function forgetKeysAfter(keys: KeyCache) {
  return createMiddleware<AppEnv>(async (c, next) => {
    await next();
    if (c.res.ok) keys.clear();
  });
}
