/**
 * The auth epoch: a counter raised in the same atomic as every change to a
 * key or team that can change what a request may do (models, team, expiry,
 * deletion). Instances cache resolved keys and drop them when the counter
 * moves, so a revocation reaches every instance without a store read per
 * request.
 * @module
 */
import { authEpochKey } from "./keys.ts";
import type { AtomicWrite, Store } from "./store.ts";

/** Adds the epoch increment to `op`. */
export function raiseAuthEpoch(op: AtomicWrite): AtomicWrite {
  return op.sum(authEpochKey, 1);
}

/** The current epoch (0 before any change). */
export async function readAuthEpoch(store: Store): Promise<number> {
  return (await store.get<number>(authEpochKey)).value ?? 0;
}
