/**
 * Key hashing. Raw keys exist only in the `/key/generate` response; KV holds
 * their SHA-256.
 * @module
 */
import { createHash } from "node:crypto";

/**
 * Hex SHA-256 of a raw key. Synchronous node:crypto: every request hashes
 * its key, and `crypto.subtle.digest` costs a thread-pool round trip each.
 */
export function hashKey(rawKey: string): string {
  return createHash("sha256").update(rawKey).digest("hex");
}

const recentHashes = new Map<string, string>();
const RECENT_HASHES_KEPT = 10_000;

/**
 * {@linkcode hashKey}, remembered for keys seen recently: hashing is a large
 * part of an authenticated request once the key itself is cached. The raw
 * keys kept are those of recent requests, already in this process's memory.
 */
export function hashKeyOfRequest(rawKey: string): string {
  let hash = recentHashes.get(rawKey);
  if (hash === undefined) {
    if (recentHashes.size >= RECENT_HASHES_KEPT) recentHashes.clear();
    recentHashes.set(rawKey, hash = hashKey(rawKey));
  }
  return hash;
}

/** A new random key: `sk-` and 32 url-safe characters. */
export function newRawKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return "sk-" + btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
}

/** The display form of a key (`sk-...abcd`), safe to show and log. */
export function abbreviateKey(rawKey: string): string {
  return `${rawKey.slice(0, 3)}...${rawKey.slice(-4)}`;
}
