/**
 * Adding spend to a key, its user and its team, and reading spend within the
 * current budget window.
 * @module
 */
import { addDuration } from "../auth/duration.ts";
import type { KeyRecord, TeamRecord, UserRecord } from "./api_keys.ts";
import { apiKeyKey, teamKey, userKey } from "./keys.ts";
import { commit, commitWithRetry } from "./commit.ts";
import type { AtomicWrite, Store, StoreKey } from "./store.ts";

/** Whose spend {@linkcode addSpend} raises; unset or null parts are skipped. */
export interface SpendTarget {
  keyHash?: string | null;
  userId?: string | null;
  teamId?: string | null;
}

/** The budget fields that key, user and team records share. */
type Budgeted = Pick<KeyRecord, "spend" | "budgetDuration" | "budgetResetAt">;

/**
 * Spend within the current budget window: 0 once `budgetResetAt` has passed,
 * because the reset is applied lazily by the next {@linkcode addSpend}.
 */
export function effectiveSpend(record: Budgeted, now: number): number {
  return record.budgetResetAt !== null && record.budgetResetAt <= now ? 0 : record.spend;
}

/**
 * Adds `amount` (USD) to the spend of a key, its user and its team in one
 * atomic, retried on contention, so concurrent writers never lose an
 * addition. A record whose budget window has ended starts a new window.
 * Records that do not exist are skipped; deleted keys still collect spend.
 * @param options.now current time in epoch ms (default `Date.now()`)
 * @throws {ContentionError} after too many lost races
 * @example
 * ```ts ignore
 * await addSpend(store, { keyHash: principal.ownerId, userId, teamId }, 0.42);
 * ```
 */
export async function addSpend(
  store: Store,
  target: SpendTarget,
  amount: number,
  options: { now?: number } = {},
): Promise<void> {
  if (!Number.isFinite(amount) || amount === 0) return;
  const now = options.now ?? Date.now();
  await commitWithRetry("add spend", async () => {
    const op = store.atomic();
    await addSpendOps(store, op, target, amount, now);
    return commit(op);
  });
}

/**
 * Adds the checks and writes that raise the spend of a key, its user and its
 * team to `op`, so spend can commit in the same atomic as other state (the
 * end of a batch). Reads the records now; a concurrent change fails the checks.
 */
export async function addSpendOps(
  store: Store,
  op: AtomicWrite,
  target: SpendTarget,
  amount: number,
  now: number,
): Promise<void> {
  if (!Number.isFinite(amount) || amount === 0) return;
  const keys: StoreKey[] = [];
  if (target.keyHash) keys.push(apiKeyKey(target.keyHash));
  if (target.userId) keys.push(userKey(target.userId));
  if (target.teamId) keys.push(teamKey(target.teamId));
  if (keys.length === 0) return;
  const entries = await store.getMany<KeyRecord | UserRecord | TeamRecord>(keys);
  for (const entry of entries) {
    if (!entry.value) continue;
    op.check(entry).set(entry.key, withSpend(entry.value, amount, now));
  }
}

function withSpend<T extends Budgeted>(record: T, amount: number, now: number): T {
  if (record.budgetResetAt !== null && record.budgetResetAt <= now) {
    let resetAt: number | null = null;
    if (record.budgetDuration !== null) {
      try {
        resetAt = addDuration(now, record.budgetDuration);
      } catch {
        resetAt = null; // A stored duration was valid when written; never block spend on it.
      }
    }
    return { ...record, spend: amount, budgetResetAt: resetAt };
  }
  return { ...record, spend: record.spend + amount };
}
