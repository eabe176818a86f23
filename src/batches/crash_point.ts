/**
 * Test hook for crash-safety tests: `BATCHGATE_TEST_CRASH=<name>` makes the
 * process exit at that point, as a power cut would. Names: `after_create`
 * (Bedrock accepted the job, the ARN is not saved yet) and
 * `before_finalize_commit` (converted files are in S3, the batch is not
 * terminal yet). Unset in production, where it costs one env lookup.
 * @module
 */
import { log } from "../log.ts";

/** Exits with code 86 when `BATCHGATE_TEST_CRASH` names this point. */
export function crashPoint(name: "after_create" | "before_finalize_commit"): void {
  if (Deno.env.get("BATCHGATE_TEST_CRASH") === name) {
    log.warn("Crashing on purpose (BATCHGATE_TEST_CRASH)", { at: name });
    Deno.exit(86);
  }
}
