/**
 * The one place errors become OpenAI-shaped responses: API errors keep their
 * status, store refusals map to 4xx, an unavailable store to 503.
 * @module
 */
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiError } from "../errors.ts";
import { MultipartError } from "../ingest/multipart.ts";
import { log } from "../log.ts";
import { ContentionError, RecordError, StoreUnavailableError } from "../store/errors.ts";

const STATUS_BY_REASON: Record<RecordError["reason"], ContentfulStatusCode> = {
  not_found: 404,
  exists: 400,
  missing_reference: 400,
  in_use: 409,
};

/** Renders any thrown value as an OpenAI-shaped error response. */
export function respondToError(error: unknown, method: string, path: string): Response {
  return toApiError(error, method, path).getResponse();
}

/** The {@linkcode ApiError} a thrown value stands for (unknown errors are logged, then 500). */
export function toApiError(error: unknown, method: string, path: string): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof RecordError) {
    return new ApiError(STATUS_BY_REASON[error.reason], error.message, {
      param: error.field,
      code: error.code,
    });
  }
  if (error instanceof MultipartError) {
    return new ApiError(400, error.message, { code: "invalid_multipart" });
  }
  if (error instanceof ContentionError || error instanceof StoreUnavailableError) {
    log.warn("Store refused a request", { method, path, error: error.message });
    return new ApiError(503, error.message, { type: "server_error", code: "store_unavailable" });
  }
  if (error instanceof HTTPException) {
    // hono's own errors (malformed JSON body and the like) keep their status.
    return new ApiError(error.status as ContentfulStatusCode, error.message || "Bad request");
  }
  log.error("Unhandled error", {
    method,
    path,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  return new ApiError(500, "Internal server error", { type: "server_error" });
}
