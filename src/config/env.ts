/**
 * `os.environ/NAME` references, resolved anywhere in the config tree.
 * @module
 */

const ENV_PREFIX = "os.environ/";

/** Thrown when a referenced environment variable is not set. */
export class ConfigError extends Error {
  /** @param message Full message, starting with the config path */
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Formats a path like `model_list[0].litellm_params.model`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out || "(root)";
}

/**
 * Returns a copy of `value` with every `os.environ/NAME` string replaced by
 * the variable's value.
 * @throws {ConfigError} naming the path when a variable is not set
 */
export function resolveEnvRefs(
  value: unknown,
  getEnv: (name: string) => string | undefined,
  path: PropertyKey[] = [],
): unknown {
  if (typeof value === "string" && value.startsWith(ENV_PREFIX)) {
    const name = value.slice(ENV_PREFIX.length);
    const resolved = getEnv(name);
    if (resolved === undefined || resolved === "") {
      throw new ConfigError(`${formatPath(path)}: environment variable ${name} is not set`);
    }
    return resolved;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvRefs(v, getEnv, [...path, i]));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveEnvRefs(v, getEnv, [...path, k]);
    return out;
  }
  return value;
}
