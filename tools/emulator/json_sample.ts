/**
 * A deterministic value that fits a JSON schema, for the emulator's answers
 * to forced tools and structured-output requests (a real model's answer fits
 * the schema too). Covers the JSON Schema subset structured outputs accept:
 * `type` (also as a list), `properties`, `items`, `enum`, `const`, `anyOf`,
 * `oneOf`, `allOf`, local `$ref`s, `minItems`, `minLength`, `minimum`.
 * @module
 */

type Schema = Record<string, unknown>;

/** Deepest nesting sampled; deeper values are null (recursive schemas stay finite). */
const MAX_DEPTH = 8;

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function resolveRef(ref: string, root: Schema): Schema | undefined {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(2).split("/")) {
    if (!isSchema(node)) return undefined;
    node = node[part.replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  return isSchema(node) ? node : undefined;
}

function sample(schema: unknown, root: Schema, depth: number): unknown {
  if (!isSchema(schema) || depth > MAX_DEPTH) return null;
  if (typeof schema.$ref === "string") {
    return sample(resolveRef(schema.$ref, root), root, depth + 1);
  }
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ["anyOf", "oneOf"]) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0) {
      const chosen = branches.find((b) => isSchema(b) && b.type !== "null") ?? branches[0];
      return sample(chosen, root, depth + 1);
    }
  }
  if (Array.isArray(schema.allOf)) {
    const merged: Schema = {};
    for (const part of schema.allOf) if (isSchema(part)) Object.assign(merged, part);
    return sample(merged, root, depth + 1);
  }
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t) => t !== "null") ?? type[0];
  if (type === undefined) type = isSchema(schema.properties) ? "object" : undefined;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      if (isSchema(schema.properties)) {
        for (const [key, sub] of Object.entries(schema.properties)) {
          out[key] = sample(sub, root, depth + 1);
        }
      }
      return out;
    }
    case "array": {
      const count = typeof schema.minItems === "number" && schema.minItems > 0
        ? schema.minItems
        : 1;
      return Array.from({ length: count }, () => sample(schema.items, root, depth + 1));
    }
    case "string": {
      if (schema.format === "date") return "2024-01-01";
      if (schema.format === "date-time") return "2024-01-01T00:00:00Z";
      const min = typeof schema.minLength === "number" ? schema.minLength : 0;
      return "emulated".padEnd(min, "x");
    }
    case "integer":
      return typeof schema.minimum === "number" ? Math.ceil(schema.minimum) : 1;
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 1.5;
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return {};
  }
}

/**
 * A value fitting `schema`, the same every time for the same schema.
 * @param schema a JSON schema object
 * @example
 * ```ts
 * import assert from "assert";
 * import { sampleOf } from "./json_sample.ts";
 * assert.deepEqual(
 *   sampleOf({ type: "object", properties: { n: { type: "integer" }, tags: { type: "array", items: { enum: ["a"] } } } }),
 *   { n: 1, tags: ["a"] },
 * );
 * ```
 */
export function sampleOf(schema: unknown): unknown {
  return sample(schema, isSchema(schema) ? schema : {}, 0);
}
