/**
 * Budget checks: `max_budget` on keys, users and teams, within their
 * `budget_duration` window. Uploads and batch creation are refused once a
 * budget is spent, and a batch whose worst-case cost exceeds what is left.
 * @module
 */
import { ApiError } from "../errors.ts";
import type { Principal } from "./principal.ts";
import { getKeyByHash, getTeam, getUser } from "../store/api_keys.ts";
import { effectiveSpend } from "../store/spend.ts";
import type { Store } from "../store/store.ts";

/** One budget that applies to a caller. */
export interface BudgetState {
  scope: "key" | "user" | "team";
  /** How the budget is named in messages: `key 'alias'`, `user 'u1'`, `team 't1'`. */
  label: string;
  maxBudget: number;
  spent: number;
  remaining: number;
}

function usd(value: number): string {
  return `$${value.toFixed(value < 1 ? 6 : 2).replace(/0+$/, "").replace(/\.$/, "")}`;
}

/** The budgets of the caller's key, user and team (those with a `max_budget`). */
export async function budgetsOf(
  store: Store,
  principal: Principal,
  now: number,
): Promise<BudgetState[]> {
  if (principal.isAdmin) return [];
  const [key, user, team] = await Promise.all([
    getKeyByHash(store, principal.ownerId),
    principal.userId ? getUser(store, principal.userId) : null,
    principal.teamId ? getTeam(store, principal.teamId) : null,
  ]);
  const out: BudgetState[] = [];
  const add = (
    scope: BudgetState["scope"],
    label: string,
    record: Parameters<typeof effectiveSpend>[0] & { maxBudget: number | null } | null,
  ) => {
    if (!record || record.maxBudget === null) return;
    const spent = effectiveSpend(record, now);
    out.push({
      scope,
      label,
      maxBudget: record.maxBudget,
      spent,
      remaining: record.maxBudget - spent,
    });
  };
  add("key", key?.keyAlias ? `key '${key.keyAlias}'` : `key ${key?.keyName ?? ""}`.trim(), key);
  add("user", `user '${principal.userId}'`, user);
  add("team", team?.teamAlias ? `team '${team.teamAlias}'` : `team '${principal.teamId}'`, team);
  return out;
}

/**
 * Refuses the action when any budget is used up.
 * @throws {ApiError} 400 `budget_exceeded` naming the budget
 */
export async function assertBudgetLeft(
  store: Store,
  principal: Principal,
  now: number,
  action: string,
): Promise<BudgetState[]> {
  const budgets = await budgetsOf(store, principal, now);
  const spent = budgets.find((b) => b.remaining <= 0);
  if (spent) {
    throw new ApiError(
      400,
      `Cannot ${action}: the budget of ${spent.label} is spent (${usd(spent.spent)} of ${
        usd(spent.maxBudget)
      })`,
      { type: "budget_exceeded", code: "budget_exceeded" },
    );
  }
  return budgets;
}

/**
 * Refuses a batch whose worst-case cost exceeds what is left of any budget.
 * @throws {ApiError} 400 `budget_exceeded` with the estimate and the remainder
 */
export function assertEstimateFits(budgets: BudgetState[], estimate: number): void {
  const short = budgets.find((b) => estimate > b.remaining);
  if (short) {
    throw new ApiError(
      400,
      `Cannot create batch: its worst-case cost of ${usd(estimate)} exceeds the ${
        usd(short.remaining)
      } left of the budget of ${short.label}`,
      { type: "budget_exceeded", code: "budget_exceeded", param: "input_file_id" },
    );
  }
}
