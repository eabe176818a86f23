/**
 * Request validation at the edge: JSON bodies and query strings through zod,
 * with failures turned into a 400 {@linkcode ApiError} whose `param` is the
 * zod path.
 * @module
 */
import type { Context } from "hono";
import { z } from "zod";
import { ApiError, badRequest } from "../errors.ts";
import { formatPath } from "../config/env.ts";

/** Largest JSON body the management routes read (they carry small records). */
export const MAX_JSON_BYTES = 1_048_576;

/**
 * Reads the request body as JSON and validates it. An empty body counts as
 * `{}`, so routes whose fields are all optional accept a bare POST.
 * @returns the parsed, typed body
 * @throws {ApiError} 400 for malformed JSON or a schema failure; 413 for a body over 1 MiB
 * @example
 * ```ts ignore
 * app.post("/team/new", async (c) => {
 *   const body = await parseJson(c, NewTeamBody);
 * });
 * ```
 */
export async function parseJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const length = Number(c.req.header("content-length") ?? "0");
  if (length > MAX_JSON_BYTES) throw tooLarge();
  const text = await c.req.text();
  if (text.length > MAX_JSON_BYTES) throw tooLarge();
  let value: unknown = {};
  if (text.trim() !== "") {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw badRequest(`Cannot parse request body: ${(error as Error).message}`, {
        code: "invalid_json",
      });
    }
  }
  return validate(schema, value);
}

/**
 * Validates the query string (one value per name; use `z.coerce` for numbers).
 * @throws {ApiError} 400 naming the parameter
 */
export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return validate(schema, c.req.query());
}

/**
 * Validates `value` against `schema`.
 * @throws {ApiError} 400 for the first issue, with `param` set to its path
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  throw zodToApiError(result.error);
}

/** A 400 for the first issue of a zod error, e.g. `Invalid models: expected array, received string`. */
export function zodToApiError(error: z.ZodError): ApiError {
  const issue = error.issues[0]!;
  const param = issue.path.length > 0 ? formatPath(issue.path) : null;
  const where = param === null ? "request" : param;
  return badRequest(`Invalid ${where}: ${describeIssue(issue)}`, {
    param,
    code: "invalid_value",
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") {
    const input = (issue as { input?: unknown }).input;
    const received = input === undefined
      ? "nothing"
      : input === null
      ? "null"
      : Array.isArray(input)
      ? "array"
      : typeof input;
    return `expected ${issue.expected}, received ${received}`;
  }
  if (issue.code === "unrecognized_keys") return `unknown field ${issue.keys.join(", ")}`;
  return issue.message;
}

function tooLarge(): ApiError {
  return new ApiError(413, `Cannot read request body: it is larger than ${MAX_JSON_BYTES} bytes`, {
    code: "body_too_large",
  });
}
