/**
 * Loads `config.yaml`: YAML → `os.environ/` references → zod schema →
 * the resolved {@linkcode Config} the rest of Batchgate uses.
 * @module
 */
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { log } from "../log.ts";
import { ConfigSchema, type GeneralSettings, type ModelEntry, type ModelInfo } from "./schema.ts";
import { ConfigError, formatPath, resolveEnvRefs } from "./env.ts";
import { parseModelRef } from "./model_id.ts";

export { ConfigError } from "./env.ts";

/** Static AWS credentials from the config file. */
export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** How to reach AWS for one service: region, endpoint and credentials. */
export interface AwsTarget {
  region: string;
  /** Explicit endpoint (config or `AWS_ENDPOINT_URL_*`); undefined means AWS's own. */
  endpoint?: string;
  /** Static credentials; undefined means the SDK's default chain (or `profile`). */
  credentials?: StaticCredentials;
  profile?: string;
}

/** One `model_list` entry, resolved for Bedrock batch use. */
export interface Deployment {
  /** The name clients use (`model_name`); entries sharing it form a group. */
  modelGroup: string;
  /** Position in `model_list`, for messages. */
  index: number;
  /** Bedrock model id, inference profile id or ARN (`model` without `bedrock/`). */
  modelId: string;
  bedrock: AwsTarget;
  s3: AwsTarget & {
    bucket: string;
    outputBucket: string;
    /** Key prefix, always ending in `/` or empty. */
    prefix: string;
  };
  roleArn: string;
  kmsKeyId?: string;
  minRecords: number;
  maxRecords: number;
  maxFileBytes: number;
  defaultMaxTokens?: number;
  modelInfo: ModelInfo;
}

/** The resolved configuration. */
export interface Config {
  deployments: Deployment[];
  /** Deployments by model group name, in file order. */
  modelGroups: Map<string, Deployment[]>;
  general: GeneralSettings;
  masterKey?: string;
}

/** Options of {@linkcode loadConfig} and {@linkcode parseConfig}. */
export interface LoadConfigOptions {
  /** Reads an environment variable; defaults to `Deno.env.get`. */
  getEnv?: (name: string) => string | undefined;
}

/** Bedrock's default minimum records per batch job. */
export const DEFAULT_MIN_RECORDS = 100;
/** Bedrock's default maximum records per batch job. */
export const DEFAULT_MAX_RECORDS = 50_000;
/** Bedrock's input file size limit (1 GB). */
export const DEFAULT_MAX_FILE_BYTES = 1_000_000_000;

/**
 * Reads and parses a config file.
 * @throws {ConfigError} with the file path, or the config path and what was expected
 */
export async function loadConfig(path: string, options: LoadConfigOptions = {}): Promise<Config> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new ConfigError(`Cannot read config: ${path} does not exist`);
    }
    throw new ConfigError(`Cannot read config ${path}: ${(error as Error).message}`);
  }
  return parseConfig(text, options);
}

/**
 * Parses config text (YAML or JSON).
 * @throws {ConfigError} naming the config path of the first problem
 */
export function parseConfig(text: string, options: LoadConfigOptions = {}): Config {
  const getEnv = options.getEnv ?? ((name: string) => Deno.env.get(name));
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`Cannot parse config: ${(error as Error).message}`);
  }
  raw ??= {};
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError("(root): expected a mapping of settings");
  }
  const resolved = resolveEnvRefs(raw, getEnv);
  // reportInput lets messages say what was received instead of "nothing".
  const result = ConfigSchema.safeParse(resolved, { reportInput: true });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError(`${formatPath(issue.path)}: ${describeIssue(issue)}`);
  }
  warnUnknownKeys(ConfigSchema, resolved, []);
  const file = result.data;
  const deployments: Deployment[] = [];
  file.model_list.forEach((entry, index) => {
    const deployment = toDeployment(entry, index, getEnv);
    if (deployment) deployments.push(deployment);
  });
  const modelGroups = new Map<string, Deployment[]>();
  for (const d of deployments) {
    const group = modelGroups.get(d.modelGroup) ?? [];
    group.push(d);
    modelGroups.set(d.modelGroup, group);
  }
  const config: Config = { deployments, modelGroups, general: file.general_settings };
  if (file.general_settings.master_key) config.masterKey = file.general_settings.master_key;
  return config;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") {
    const input = (issue as { input?: unknown }).input;
    const received = input === undefined
      ? "nothing"
      : Array.isArray(input)
      ? "array"
      : typeof input;
    return `expected ${issue.expected}, received ${received}`;
  }
  return issue.message;
}

function toDeployment(
  entry: ModelEntry,
  index: number,
  getEnv: (name: string) => string | undefined,
): Deployment | undefined {
  const p = entry.litellm_params;
  const at = (key: string) => `model_list[${index}].litellm_params.${key}`;
  if (!p.model.startsWith("bedrock/")) {
    log.warn("Skipping model: only bedrock/ models run batches", {
      path: at("model"),
      model: p.model,
    });
    return undefined;
  }
  // LiteLLM also accepts bedrock/converse/<id> and bedrock/invoke/<id>.
  const modelId = parseModelRef(p.model).id;
  const isBatch = entry.model_info?.mode === "batch";
  const bucket = p.s3_bucket_name;
  const roleArn = p.aws_batch_role_arn ?? getEnv("AWS_BATCH_ROLE_ARN");
  if (!bucket || !roleArn) {
    const missing = !bucket ? "s3_bucket_name" : "aws_batch_role_arn";
    if (isBatch) {
      throw new ConfigError(
        `${at(missing)}: required for a model with model_info.mode batch${
          missing === "aws_batch_role_arn" ? " (or set AWS_BATCH_ROLE_ARN)" : ""
        }`,
      );
    }
    log.warn("Skipping model: it has no batch settings", { path: at(missing) });
    return undefined;
  }
  const region = p.aws_region_name ?? getEnv("AWS_REGION") ?? getEnv("AWS_DEFAULT_REGION") ??
    "us-east-1";
  const bedrockCredentials = credentialsFrom(
    p.aws_access_key_id,
    p.aws_secret_access_key,
    p.aws_session_token,
    at("aws_access_key_id"),
  );
  const s3Credentials = credentialsFrom(
    p.s3_access_key_id ?? p.aws_access_key_id,
    p.s3_secret_access_key ?? p.aws_secret_access_key,
    p.s3_session_token ?? p.aws_session_token,
    at("s3_access_key_id"),
  );
  const bedrockEndpoint = p.aws_bedrock_endpoint_url ?? getEnv("AWS_ENDPOINT_URL_BEDROCK") ??
    getEnv("AWS_ENDPOINT_URL");
  const s3Endpoint = p.s3_endpoint_url ?? getEnv("AWS_ENDPOINT_URL_S3") ??
    getEnv("AWS_ENDPOINT_URL");
  let prefix = p.s3_prefix ?? "batchgate/";
  if (prefix !== "" && !prefix.endsWith("/")) prefix += "/";
  checkS3UriPart(prefix, at("s3_prefix"));
  const kmsKeyId = p.s3_encryption_key_id ?? getEnv("AWS_S3_ENCRYPTION_KEY_ID");
  const deployment: Deployment = {
    modelGroup: entry.model_name,
    index,
    modelId,
    bedrock: target(region, bedrockEndpoint, bedrockCredentials, p.aws_profile_name),
    s3: {
      ...target(p.s3_region_name ?? region, s3Endpoint, s3Credentials, p.aws_profile_name),
      bucket,
      outputBucket: p.s3_output_bucket_name ?? bucket,
      prefix,
    },
    roleArn,
    minRecords: p.batch_min_records ?? DEFAULT_MIN_RECORDS,
    maxRecords: p.batch_max_records ?? DEFAULT_MAX_RECORDS,
    maxFileBytes: p.batch_max_file_bytes ?? DEFAULT_MAX_FILE_BYTES,
    modelInfo: entry.model_info ?? {},
  };
  if (kmsKeyId) deployment.kmsKeyId = kmsKeyId;
  if (p.default_max_tokens) deployment.defaultMaxTokens = p.default_max_tokens;
  return deployment;
}

function target(
  region: string,
  endpoint: string | undefined,
  credentials: StaticCredentials | undefined,
  profile: string | undefined,
): AwsTarget {
  const t: AwsTarget = { region };
  if (endpoint) t.endpoint = endpoint;
  if (credentials) t.credentials = credentials;
  if (profile) t.profile = profile;
  return t;
}

function credentialsFrom(
  accessKeyId: string | undefined,
  secretAccessKey: string | undefined,
  sessionToken: string | undefined,
  path: string,
): StaticCredentials | undefined {
  if (!accessKeyId && !secretAccessKey) return undefined;
  if (!accessKeyId || !secretAccessKey) {
    throw new ConfigError(`${path}: an access key id and a secret access key go together`);
  }
  const c: StaticCredentials = { accessKeyId, secretAccessKey };
  if (sessionToken) c.sessionToken = sessionToken;
  return c;
}

/** Warns once per unknown key: LiteLLM files carry many keys Batchgate does not use. */
function warnUnknownKeys(schema: z.ZodType, value: unknown, path: PropertyKey[]): void {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject && value && typeof value === "object" && !Array.isArray(value)) {
    const shape = inner.shape as Record<string, z.ZodType>;
    for (const [key, child] of Object.entries(value)) {
      const childSchema = shape[key];
      if (!childSchema) {
        const p = formatPath([...path, key]);
        log.warnOnce(`config-key:${p}`, "Ignoring unknown config key", { path: p });
      } else warnUnknownKeys(childSchema, child, [...path, key]);
    }
  } else if (inner instanceof z.ZodArray && Array.isArray(value)) {
    value.forEach((v, i) => warnUnknownKeys(inner.element as z.ZodType, v, [...path, i]));
  }
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) {
    s = s.unwrap() as z.ZodType;
  }
  return s;
}

/** One key segment as Bedrock's `S3Uri` pattern allows it (no spaces, `=`, `+`, `:` and so on). */
const S3_URI_SEGMENT = /^[-!_*'().a-zA-Z0-9]+$/;

/**
 * Refuses a key prefix that Bedrock's `S3Uri` pattern would refuse in
 * CreateModelInvocationJob, so the mistake shows at start-up, not at the
 * first batch after an upload was stored.
 */
function checkS3UriPart(prefix: string, path: string): void {
  if (prefix === "") return;
  const bad = prefix.slice(0, -1).split("/").find((segment) => !S3_URI_SEGMENT.test(segment));
  if (bad === undefined) return;
  throw new ConfigError(
    `${path}: '${prefix}' cannot be used in a Bedrock batch job's S3 URI: ` +
      (bad === ""
        ? "it has an empty segment (// or a leading /)"
        : `segment '${bad}' may only use letters, digits and - ! _ * ' ( ) .`),
  );
}
