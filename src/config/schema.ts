/**
 * The schema of `config.yaml`, in LiteLLM's format. Types come from here.
 * @module
 */
import { z } from "zod";

/** Per-deployment parameters (`litellm_params`), LiteLLM's keys plus ours. */
export const LitellmParams = z.object({
  /** `bedrock/<model id or inference profile id or ARN>`. */
  model: z.string().min(1),
  aws_region_name: z.string().min(1).optional(),
  aws_access_key_id: z.string().min(1).optional(),
  aws_secret_access_key: z.string().min(1).optional(),
  aws_session_token: z.string().min(1).optional(),
  aws_profile_name: z.string().min(1).optional(),
  /** Bedrock control-plane endpoint (our key; `AWS_ENDPOINT_URL_BEDROCK` also works). */
  aws_bedrock_endpoint_url: z.url().optional(),
  s3_bucket_name: z.string().min(1).optional(),
  s3_output_bucket_name: z.string().min(1).optional(),
  s3_region_name: z.string().min(1).optional(),
  s3_access_key_id: z.string().min(1).optional(),
  s3_secret_access_key: z.string().min(1).optional(),
  s3_session_token: z.string().min(1).optional(),
  s3_endpoint_url: z.url().optional(),
  /** Key prefix for everything Batchgate writes into the bucket. */
  s3_prefix: z.string().optional(),
  aws_batch_role_arn: z.string().min(1).optional(),
  s3_encryption_key_id: z.string().min(1).optional(),
  /** Bedrock's minimum records per job for this model (default 100). */
  batch_min_records: z.int().min(1).optional(),
  /** Bedrock's maximum records per job for this model (default 50,000). */
  batch_max_records: z.int().min(1).optional(),
  /** Largest accepted input file in bytes (default Bedrock's 1 GB). */
  batch_max_file_bytes: z.int().min(1).optional(),
  /** Default `max_tokens` when a request sets none. */
  default_max_tokens: z.int().min(1).optional(),
});
/** Parsed `litellm_params`. */
export type LitellmParams = z.infer<typeof LitellmParams>;

/** Per-deployment `model_info`. */
export const ModelInfo = z.object({
  mode: z.string().optional(),
  id: z.string().optional(),
  input_cost_per_token: z.number().min(0).optional(),
  output_cost_per_token: z.number().min(0).optional(),
  input_cost_per_token_batches: z.number().min(0).optional(),
  output_cost_per_token_batches: z.number().min(0).optional(),
});
/** Parsed `model_info`. */
export type ModelInfo = z.infer<typeof ModelInfo>;

/** One entry of `model_list`. */
export const ModelEntry = z.object({
  model_name: z.string().min(1),
  litellm_params: LitellmParams,
  model_info: ModelInfo.optional(),
});
/** Parsed `model_list` entry. */
export type ModelEntry = z.infer<typeof ModelEntry>;

/** `general_settings`. */
export const GeneralSettings = z.object({
  master_key: z.string().min(1).optional(),
  batch_poll_interval_seconds: z.number().positive().default(60),
  kv_path: z.string().min(1).optional(),
  /** A PostgreSQL URL (LiteLLM's name): the shared store for several instances. */
  database_url: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").optional(),
  /** The schema of Batchgate's tables, so a database LiteLLM also uses is left alone. */
  database_schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/).default("batchgate"),
  /** Most PostgreSQL connections per instance (LiteLLM's name). */
  database_connection_pool_limit: z.number().int().positive().max(1000).default(10),
  /** Seconds a finalization lease lasts before another instance may take over. */
  batch_lease_seconds: z.number().positive().default(300),
});
/** Parsed `general_settings`. */
export type GeneralSettings = z.infer<typeof GeneralSettings>;

/** The whole `config.yaml`. */
export const ConfigSchema = z.object({
  model_list: z.array(ModelEntry).default([]),
  general_settings: GeneralSettings.prefault({}),
  litellm_settings: z.record(z.string(), z.unknown()).optional(),
  router_settings: z.record(z.string(), z.unknown()).optional(),
  environment_variables: z.record(z.string(), z.unknown()).optional(),
});
/** The parsed config file. */
export type ConfigFile = z.infer<typeof ConfigSchema>;
