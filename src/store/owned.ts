/**
 * Ownership and paginated listing shared by files and batches: an object is
 * visible to the key that made it and to keys of the same team.
 * @module
 */
import type { Principal } from "../auth/principal.ts";
import type { ListSelector, Store, StoreKey } from "./store.ts";

/** Owner fields every file and batch record carries. */
export interface Owned {
  ownerId: string;
  teamId: string | null;
}

/** True when `principal` may see `record`. */
export function canSee(principal: Principal, record: Owned): boolean {
  if (record.ownerId === principal.ownerId) return true;
  return record.teamId !== null && principal.teamId !== undefined &&
    record.teamId === principal.teamId;
}

/** Options of {@linkcode listOwnedIds}. */
export interface ListPageOptions {
  limit: number;
  /** Cursor: an id from a previous page; results continue after it. */
  after?: string | undefined;
  /** `desc` (newest first, default) or `asc`. */
  order?: "asc" | "desc";
}

/**
 * Lists ids from one or more index prefixes (`[index, owner]` keys whose last
 * part is the id), merged, de-duplicated and sorted by id (ids sort by time).
 * Returns up to `limit + 1` ids so callers can tell `has_more`.
 */
export async function listOwnedIds(
  store: Store,
  indexPrefixes: StoreKey[],
  options: ListPageOptions,
): Promise<string[]> {
  const reverse = (options.order ?? "desc") === "desc";
  const want = options.limit + 1;
  const ids = new Set<string>();
  for (const prefix of indexPrefixes) {
    const selector: ListSelector = options.after === undefined
      ? { prefix }
      : reverse
      ? { prefix, end: [...prefix, options.after] }
      : { prefix, start: [...prefix, options.after + "\u0000"] };
    for await (const entry of store.list(selector, { reverse, limit: want })) {
      ids.add(String(entry.key[entry.key.length - 1]));
    }
  }
  const sorted = [...ids].sort();
  if (reverse) sorted.reverse();
  return sorted.slice(0, want);
}

/** The index prefixes a principal's listing reads: its own, and its team's. */
export function ownedPrefixes(
  principal: Principal,
  byOwner: (ownerId: string) => StoreKey,
  byTeam: (teamId: string) => StoreKey,
): StoreKey[] {
  const out = [byOwner(principal.ownerId)];
  if (principal.teamId) out.push(byTeam(principal.teamId));
  return out;
}

/** OpenAI's list page: `{object: "list", data, first_id, last_id, has_more}`. */
export function listPage<T extends { id: string }>(data: T[], hasMore: boolean) {
  return {
    object: "list" as const,
    data,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
    has_more: hasMore,
  };
}
