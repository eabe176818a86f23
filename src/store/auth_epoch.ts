/**
 * The auth epoch: a KV counter raised in the same atomic as every change to a
 * key or team that can change what a request may do (models, team, expiry,
 * deletion). Instances cache resolved keys and drop them when the counter
 * moves, so a revocation reaches every instance without a KV read per
 * request. Listeners in this process hear of a change as soon as it commits.
 * @module
 */
import { authEpochKey } from "./keys.ts";
import { getWithRetry } from "./kv.ts";

const listeners = new WeakMap<Deno.Kv, Set<() => void>>();

/** Adds the epoch increment to `op`; call {@linkcode authChanged} once it commits. */
export function raiseAuthEpoch(op: Deno.AtomicOperation): Deno.AtomicOperation {
  return op.sum(authEpochKey, 1n);
}

/** Tells this process's listeners on `kv` that auth state changed. */
export function authChanged(kv: Deno.Kv): void {
  for (const listener of listeners.get(kv) ?? []) listener();
}

/**
 * Calls `listener` after each committed auth change made through `kv` in
 * this process (for as long as `kv` exists).
 */
export function onAuthChange(kv: Deno.Kv, listener: () => void): void {
  let set = listeners.get(kv);
  if (!set) listeners.set(kv, set = new Set());
  set.add(listener);
}

/** The current epoch (0 before any change). */
export async function readAuthEpoch(kv: Deno.Kv): Promise<bigint> {
  const entry = await getWithRetry<Deno.KvU64>(kv, authEpochKey);
  return entry.value?.value ?? 0n;
}
