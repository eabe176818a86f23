/**
 * Error helpers of the translators: safe value echoes, dotted paths, and zod
 * failures as {@linkcode TranslationError}. Private to `src/bedrock/`.
 * @module
 */
import type { z } from "zod";
import { TranslationError } from "./translator.ts";

/** Longest scalar echoed back in an error message; payloads are never echoed. */
const MAX_ECHO = 40;

/** A short, safe rendering of a value for error messages. */
export function show(value: unknown): string {
  if (typeof value === "string") {
    return value.length <= MAX_ECHO ? JSON.stringify(value) : "a long string";
  }
  if (typeof value === "number" || typeof value === "boolean" || value === null) {
    return String(value);
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === "object" ? "an object" : typeof value;
}

/** Appends a zod-style path to a dotted root: `body`, `["messages", 2]` → `body.messages[2]`. */
export function pathOf(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) out += typeof key === "number" ? `[${key}]` : `.${String(key)}`;
  return out;
}

interface ZodIssueLike {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly errors?: readonly (readonly ZodIssueLike[])[];
  readonly expected?: unknown;
  readonly values?: readonly unknown[];
}

/**
 * Picks the most telling issue: inside a union, the branch that got furthest
 * into the value (so a parts array reports its bad part, not "Invalid input").
 */
function telling(
  issue: ZodIssueLike,
  prefix: PropertyKey[],
): { path: PropertyKey[]; message: string } {
  const path = [...prefix, ...issue.path];
  const branches = issue.code === "invalid_union" ? issue.errors ?? [] : [];
  if (branches.length === 0) return { path, message: issue.message };
  let best: ZodIssueLike | undefined;
  let depth = 0;
  for (const branch of branches) {
    for (const sub of branch) {
      if (!best || sub.path.length > depth) {
        best = sub;
        depth = sub.path.length;
      }
    }
  }
  if (best && depth > 0) return telling(best, path);
  const expected: string[] = [];
  for (const branch of branches) {
    for (const sub of branch) {
      if (sub.values) expected.push(`one of ${sub.values.map((v) => JSON.stringify(v)).join("|")}`);
      else if (typeof sub.expected === "string") expected.push(sub.expected);
    }
  }
  return {
    path,
    message: expected.length > 0
      ? `Invalid input: expected ${expected.join(" or ")}`
      : issue.message,
  };
}

/**
 * Turns a zod failure into a {@linkcode TranslationError} naming the field.
 * @param error the zod error
 * @param options `action` starts the message ("Cannot translate for Claude"); `root` starts the path
 */
export function fromZodError(
  error: z.ZodError,
  options: { action: string; root: string },
): TranslationError {
  const first = error.issues[0] as ZodIssueLike | undefined;
  if (!first) return new TranslationError(`${options.action}: invalid input`, options.root);
  const { path, message } = telling(first, []);
  const param = pathOf(options.root, path);
  return new TranslationError(`${options.action}: invalid ${param}: ${message}`, param);
}
