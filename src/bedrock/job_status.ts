/**
 * Bedrock's batch job states (`ModelInvocationJobStatus`), shared by the
 * batch flow and the emulator.
 * @module
 */
import { z } from "zod";

/** Bedrock's job states, exactly as AWS spells them, in the service model's order. */
export const BedrockJobStatus = z.enum([
  "Submitted",
  "InProgress",
  "Completed",
  "Failed",
  "Stopping",
  "Stopped",
  "PartiallyCompleted",
  "Expired",
  "Validating",
  "Scheduled",
]);
/** A Bedrock job state. */
export type BedrockJobStatus = z.infer<typeof BedrockJobStatus>;
