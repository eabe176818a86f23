/**
 * An in-process cache of virtual keys (with their team), so an authenticated
 * request costs no KV read. Entries are dropped when the auth epoch moves
 * (see `store/auth_epoch.ts`): at once for changes made in this process, and
 * within a second for changes made by other instances, which costs one
 * KV read per interval, not per request.
 * @module
 */
import { getKeyByHash, getTeam, type KeyRecord, type TeamRecord } from "../store/api_keys.ts";
import { onAuthChange, readAuthEpoch } from "../store/auth_epoch.ts";

/** A stored key and its team, as {@linkcode KeyCache.lookup} returns them. */
export interface ResolvedKey {
  key: KeyRecord;
  team: TeamRecord | null;
}

/** How often to compare the KV auth epoch, in ms. */
const EPOCH_CHECK_MS = 1000;
/** Entries kept before the cache starts over. */
const MAX_ENTRIES = 5_000;

/** Resolves key hashes through KV, remembering the answers until auth changes. */
export class KeyCache {
  readonly #kv: Deno.Kv;
  readonly #entries = new Map<string, ResolvedKey>();
  /** Raised on every drop, so a lookup that raced a change does not store stale data. */
  #generation = 0;
  #epoch: bigint | undefined;
  #checkedAt = -Infinity;
  #checking: Promise<void> | undefined;

  /** @param kv the KV whose keys this caches */
  constructor(kv: Deno.Kv) {
    this.#kv = kv;
    onAuthChange(kv, () => this.clear());
  }

  /**
   * The cached answer for this hash, without waiting: undefined when it is
   * not cached or the epoch is due for a check (then call `lookup`).
   */
  peek(hash: string): ResolvedKey | undefined {
    if (this.#epochDue()) return undefined;
    return this.#entries.get(hash);
  }

  /** The key with this hash and its team, or null for an unknown hash. */
  async lookup(hash: string): Promise<ResolvedKey | null> {
    if (this.#epochDue()) await this.#checkEpoch();
    const cached = this.#entries.get(hash);
    if (cached) return cached;
    const generation = this.#generation;
    const key = await getKeyByHash(this.#kv, hash);
    // Unknown keys are not remembered: a key created elsewhere works at once.
    if (!key) return null;
    const resolved = { key, team: key.teamId ? await getTeam(this.#kv, key.teamId) : null };
    if (generation === this.#generation) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
      this.#entries.set(hash, resolved);
    }
    return resolved;
  }

  /** Forgets every entry. */
  clear(): void {
    this.#entries.clear();
    this.#generation++;
  }

  /**
   * Whether the epoch should be compared again. `Date.now()` rather than
   * `performance.now()`, which is a runtime call and runs on every request;
   * a clock set back counts as due.
   */
  #epochDue(): boolean {
    const elapsed = Date.now() - this.#checkedAt;
    return elapsed >= EPOCH_CHECK_MS || elapsed < 0;
  }

  #checkEpoch(): Promise<void> {
    this.#checking ??= (async () => {
      try {
        const epoch = await readAuthEpoch(this.#kv);
        if (epoch !== this.#epoch) {
          this.clear();
          this.#epoch = epoch;
        }
        this.#checkedAt = Date.now();
      } finally {
        this.#checking = undefined;
      }
    })();
    return this.#checking;
  }
}

const caches = new WeakMap<Deno.Kv, KeyCache>();

/** The one key cache of this process for `kv`. */
export function keyCacheFor(kv: Deno.Kv): KeyCache {
  let cache = caches.get(kv);
  if (!cache) caches.set(kv, cache = new KeyCache(kv));
  return cache;
}
