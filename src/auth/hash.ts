/**
 * Key hashing. Raw keys exist only in the `/key/generate` response; the
 * store holds their SHA-256.
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

/** A new random key: `sk-` and 32 url-safe characters. */
export function newRawKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return "sk-" + btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
}

/** The display form of a key (`sk-...abcd`), safe to show and log. */
export function abbreviateKey(rawKey: string): string {
  return `${rawKey.slice(0, 3)}...${rawKey.slice(-4)}`;
}
