/**
 * The store's domain errors. Record modules throw these; the HTTP edge
 * (`src/api/errors.ts`) is the one place that turns them into OpenAI errors.
 * @module
 */
export { StoreUnavailableError } from "./store.ts";

/** What a {@linkcode RecordError} is about. */
export type RecordErrorReason =
  /** The record does not exist (or is deleted). */
  | "not_found"
  /** A record with this id or unique field exists already. */
  | "exists"
  /** The record names another one that does not exist (an unknown team). */
  | "missing_reference"
  /** The record is used by another one and cannot change now (a file a batch runs on). */
  | "in_use";

/** A write or read that the stored records refuse. */
export class RecordError extends Error {
  readonly reason: RecordErrorReason;
  /** The request field it concerns, in the API's names (`key_alias`, `team_id`). */
  readonly field: string | null;
  /** A stable machine-readable code, e.g. `duplicate_key_alias`. */
  readonly code: string;

  /**
   * @param reason what kind of refusal
   * @param message std-style message, e.g. "Cannot create team 't1': the team already exists"
   * @param options the field and code
   */
  constructor(
    reason: RecordErrorReason,
    message: string,
    options: { field?: string | null; code: string },
  ) {
    super(message);
    this.name = "RecordError";
    this.reason = reason;
    this.field = options.field ?? null;
    this.code = options.code;
  }
}

/** A record that does not exist, named without telling whether it ever did. */
export function recordNotFound(what: string, id: string, field: string | null = null): RecordError {
  return new RecordError("not_found", `No ${what} found with id '${id}'`, {
    field,
    code: "not_found",
  });
}

/** Thrown when a check-and-set kept losing to other writers. */
export class ContentionError extends Error {
  /** @param what the action, e.g. "update batch" */
  constructor(what: string) {
    super(`Cannot ${what}: too many concurrent updates, try again`);
    this.name = "ContentionError";
  }
}
