/**
 * ListModelInvocationJobs: filters, CreationTime sorting and opaque
 * `nextToken` pagination.
 * @module
 */
import type { JobStore } from "./jobs.ts";
import { toJobSummary } from "./render.ts";
import { ServiceError, validationError } from "./service_error.ts";
import { ListJobsQuery } from "./shapes.ts";
import { parseShape } from "./validate.ts";

/** Page size when the request sets no `maxResults`. */
export const DEFAULT_MAX_RESULTS = 1000;

/** Position after the last job of a page: its submit time and sequence number. */
interface Cursor {
  t: number;
  s: number;
}

/** The wire body of ListModelInvocationJobs. */
export interface ListJobsResponse {
  invocationJobSummaries: Record<string, unknown>[];
  nextToken?: string;
}

/**
 * Lists jobs for a query string.
 * @param query Decoded query parameters
 * @throws {ServiceError} ValidationException for bad parameters or a
 * `nextToken` this emulator did not issue; SerializationException for values
 * that are not numbers or timestamps
 */
export function listJobs(store: JobStore, query: Record<string, string>): ListJobsResponse {
  const { submitTimeAfter, submitTimeBefore, maxResults, ...rest } = query;
  const q = parseShape(ListJobsQuery, {
    ...rest,
    ...(maxResults === undefined ? {} : { maxResults: toInteger(maxResults) }),
  });
  const after = parseTime("submitTimeAfter", submitTimeAfter);
  const before = parseTime("submitTimeBefore", submitTimeBefore);
  const cursor = q.nextToken === undefined ? undefined : decodeToken(q.nextToken);
  const ascending = q.sortOrder === "Ascending";
  const order = (a: Cursor, b: Cursor) => (a.t - b.t || a.s - b.s) * (ascending ? 1 : -1);

  const matching = store.all()
    .filter((j) => q.statusEquals === undefined || j.status === q.statusEquals)
    .filter((j) => q.nameContains === undefined || j.request.jobName.includes(q.nameContains))
    .filter((j) => after === undefined || j.submitTime > after)
    .filter((j) => before === undefined || j.submitTime < before)
    .map((job) => ({ job, key: { t: job.submitTime, s: job.seq } }))
    .sort((a, b) => order(a.key, b.key))
    .filter(({ key }) => cursor === undefined || order(key, cursor) > 0);

  const limit = q.maxResults ?? DEFAULT_MAX_RESULTS;
  const page = matching.slice(0, limit);
  const response: ListJobsResponse = {
    invocationJobSummaries: page.map(({ job }) => toJobSummary(job, store.counts(job))),
  };
  const last = page.at(-1);
  if (matching.length > limit && last) response.nextToken = encodeToken(last.key);
  return response;
}

function toInteger(text: string): number | string {
  // Left as a string, a non-number becomes a SerializationException in parseShape.
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

function parseTime(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}T/i.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    throw new ServiceError(
      "SerializationException",
      `Cannot parse ${name}: '${text}' is not an ISO-8601 timestamp`,
    );
  }
  return ms;
}

/** base64url, so the token survives query strings that turn `+` into a space. */
function encodeToken(cursor: Cursor): string {
  return btoa(JSON.stringify({ v: 1, ...cursor }))
    .replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

function decodeToken(token: string): Cursor {
  try {
    const value: unknown = JSON.parse(atob(token.replaceAll("-", "+").replaceAll("_", "/")));
    if (typeof value === "object" && value !== null) {
      const { v, t, s } = value as Record<string, unknown>;
      if (v === 1 && Number.isInteger(t) && Number.isInteger(s)) {
        return { t: t as number, s: s as number };
      }
    }
  } catch {
    // Falls through to the error below.
  }
  throw validationError("Cannot list jobs: nextToken is not a token from an earlier list call");
}
