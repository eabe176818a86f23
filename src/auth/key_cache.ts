/**
 * An in-process cache of virtual keys (with their team), so an authenticated
 * request costs no store read. Entries are dropped when the auth epoch moves
 * (see `store/auth_epoch.ts`), which is compared at most once a second, and at
 * once when this instance changes a key or team ({@linkcode KeyCache.clear}).
 * Only hashes are kept, never raw keys.
 * @module
 */
import type { Clock } from "../clock.ts";
import { getKeyByHash, getTeam, type KeyRecord, type TeamRecord } from "../store/api_keys.ts";
import { readAuthEpoch } from "../store/auth_epoch.ts";
import type { Store } from "../store/store.ts";

/** A stored key and its team, as {@linkcode KeyCache.lookup} returns them. */
export interface ResolvedKey {
  key: KeyRecord;
  team: TeamRecord | null;
}

/** How often to compare the stored auth epoch, in ms. */
export const EPOCH_CHECK_MS = 1000;
/** Entries kept before the cache starts over. */
const MAX_ENTRIES = 5_000;

/** Resolves key hashes through the store, remembering the answers until auth changes. */
export class KeyCache {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #entries = new Map<string, ResolvedKey>();
  /** Raised on every drop, so a lookup that raced a change does not store stale data. */
  #generation = 0;
  #epoch: number | undefined;
  #checkedAt = -Infinity;
  #checking: Promise<void> | undefined;

  /**
   * @param store where keys and teams live
   * @param clock when the epoch is due for a check
   */
  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** The key with this hash and its team, or null for an unknown hash. */
  async lookup(hash: string): Promise<ResolvedKey | null> {
    if (this.#epochDue()) await this.#checkEpoch();
    const cached = this.#entries.get(hash);
    if (cached) return cached;
    const generation = this.#generation;
    const key = await getKeyByHash(this.#store, hash);
    // Unknown keys are not remembered: a key created elsewhere works at once.
    if (!key) return null;
    const resolved = { key, team: key.teamId ? await getTeam(this.#store, key.teamId) : null };
    if (generation === this.#generation) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
      this.#entries.set(hash, resolved);
    }
    return resolved;
  }

  /** Forgets every entry (after this instance changed a key or team). */
  clear(): void {
    this.#entries.clear();
    this.#generation++;
  }

  /** Whether the epoch should be compared again; a clock set back counts as due. */
  #epochDue(): boolean {
    const elapsed = this.#clock.now() - this.#checkedAt;
    return elapsed >= EPOCH_CHECK_MS || elapsed < 0;
  }

  #checkEpoch(): Promise<void> {
    this.#checking ??= (async () => {
      try {
        const epoch = await readAuthEpoch(this.#store);
        if (epoch !== this.#epoch) {
          this.clear();
          this.#epoch = epoch;
        }
        this.#checkedAt = this.#clock.now();
      } finally {
        this.#checking = undefined;
      }
    })();
    return this.#checking;
  }
}
