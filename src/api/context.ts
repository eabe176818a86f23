/**
 * The hono environment of Batchgate's routes: what middleware leaves for handlers.
 * @module
 */
import type { Principal } from "../auth/principal.ts";

/** Hono `Env` of Batchgate's app. */
export interface AppEnv {
  Variables: {
    /** The authenticated caller, set by `requireKey`. */
    principal: Principal;
  };
}
