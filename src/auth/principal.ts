/**
 * Who is calling: the result of authenticating a request.
 * @module
 */

/** The authenticated caller, as `authenticate()` returns it. */
export interface Principal {
  /** True for the master key. */
  isAdmin: boolean;
  /**
   * Owner id for files and batches: the key's SHA-256 hash, or `master`.
   * Never the raw key.
   */
  ownerId: string;
  keyAlias?: string;
  userId?: string;
  teamId?: string;
  /** Model groups the caller may use; `"all"` when unrestricted. */
  models: ReadonlySet<string> | "all";
}

/** True when `principal` may use `modelGroup`. */
export function canUseModel(principal: Principal, modelGroup: string): boolean {
  return principal.models === "all" || principal.models.has(modelGroup);
}
