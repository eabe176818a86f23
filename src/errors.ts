/**
 * The one error type of Batchgate and its OpenAI-shaped rendering.
 *
 * Deep code throws {@linkcode ApiError}; the single `onError` handler in
 * `api/app.ts` renders it as `{"error":{"message","type","param","code"}}`.
 * @module
 */
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** OpenAI's error `type` values that Batchgate uses. */
export type ApiErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "conflict_error"
  | "rate_limit_error"
  | "budget_exceeded"
  | "server_error";

/** Options of {@linkcode ApiError}. */
export interface ApiErrorOptions {
  /** OpenAI error type; derived from the status when omitted. */
  type?: ApiErrorType;
  /** The request parameter at fault, e.g. `file` or `input_file_id`. */
  param?: string | null;
  /** A stable machine-readable code, e.g. `invalid_line`. */
  code?: string | null;
  /** 1-based line number of an input file, where the error concerns one line. */
  line?: number;
  /** The underlying error, kept for logs and never sent to clients. */
  cause?: unknown;
}

const TYPE_BY_STATUS: Record<number, ApiErrorType> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  405: "invalid_request_error",
  409: "conflict_error",
  413: "invalid_request_error",
  429: "rate_limit_error",
};

/** An error with an HTTP status that clients see as an OpenAI error body. */
export class ApiError extends HTTPException {
  readonly type: ApiErrorType;
  readonly param: string | null;
  readonly code: string | null;
  readonly line: number | undefined;

  /**
   * @param status HTTP status to answer with
   * @param message Sentence-case message, no final period
   * @param options type, param, code, line and cause
   */
  constructor(status: ContentfulStatusCode, message: string, options: ApiErrorOptions = {}) {
    super(status, { message, cause: options.cause });
    this.name = "ApiError";
    this.type = options.type ?? TYPE_BY_STATUS[status] ?? "server_error";
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.line = options.line;
  }

  /** The OpenAI-shaped JSON body of this error. */
  toJSON(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = {
      message: this.message,
      type: this.type,
      param: this.param,
      code: this.code,
    };
    if (this.line !== undefined) error.line = this.line;
    return { error };
  }

  override getResponse(): Response {
    return Response.json(this.toJSON(), { status: this.status });
  }
}

/** Shorthand for a 400 `invalid_request_error`. */
export function badRequest(message: string, options: ApiErrorOptions = {}): ApiError {
  return new ApiError(400, message, options);
}

/** Shorthand for a 404 that reveals nothing about whether the object exists. */
export function notFound(what: string, id: string, param: string | null = null): ApiError {
  return new ApiError(404, `No ${what} found with id '${id}'`, { param, code: "not_found" });
}
