/** The Batchgate version, kept in step with `deno.json`. @module */

/** The version printed by `--version` and reported by `/health/readiness`. */
export const VERSION = "0.1.0";
