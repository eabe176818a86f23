/**
 * Request validation with AWS Coral-style messages:
 * `1 validation error detected: Value '12' at 'timeoutDurationInHours' failed
 * to satisfy constraint: Member must have value greater than or equal to 24`.
 *
 * Constraint violations become a `ValidationException` listing every issue;
 * values of the wrong JSON type become a `SerializationException`, as AWS
 * answers when it cannot deserialize a member.
 * @module
 */
import type { z } from "zod";
import { CreateJobRequest } from "./shapes.ts";
import { ServiceError } from "./service_error.ts";

/**
 * Validates a CreateModelInvocationJob body against the service model.
 * @param body The parsed JSON body (`null` for an empty body)
 * @returns The request, with JSON `null` members treated as absent
 * @throws {ServiceError} `ValidationException` or `SerializationException`
 */
export function parseCreateJobRequest(body: unknown): CreateJobRequest {
  if (body !== null && (typeof body !== "object" || Array.isArray(body))) {
    throw new ServiceError("SerializationException", "Request body must be a JSON object");
  }
  return parseShape(CreateJobRequest, body ?? {});
}

/**
 * Validates input against a shape schema, joining issues Coral-style.
 * @throws {ServiceError} `ValidationException` or `SerializationException`
 */
export function parseShape<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const cleaned = dropNulls(input);
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const errors: string[] = [];
  for (const issue of result.error.issues) {
    const value = valueAt(cleaned, issue.path);
    const where = coralPath(issue.path);
    if (issue.code === "invalid_type") {
      if (value !== undefined) {
        throw new ServiceError(
          "SerializationException",
          `Cannot deserialize '${where}': expected ${issue.expected}, got ${jsonType(value)}`,
        );
      }
      errors.push(`Value null at '${where}' failed to satisfy constraint: Member must not be null`);
      continue;
    }
    errors.push(
      `Value ${formatValue(value)} at '${where}' failed to satisfy constraint: ${issue.message}`,
    );
  }
  const count = errors.length;
  throw new ServiceError(
    "ValidationException",
    `${count} validation error${count === 1 ? "" : "s"} detected: ${errors.join("; ")}`,
  );
}

/** AWS JSON protocols treat a `null` member like an absent one. */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v);
    return out;
  }
  return value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Coral names list members 1-based with `.member`: `tags.3.member.key`. */
function coralPath(path: readonly PropertyKey[]): string {
  return path.map((p) => typeof p === "number" ? `${p + 1}.member` : String(p)).join(".");
}

function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "null";
  if (Array.isArray(value)) return `'[${value.map(plain).join(", ")}]'`;
  return `'${plain(value)}'`;
}

function plain(value: unknown): string {
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return "array";
  return typeof value;
}
