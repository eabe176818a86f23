/**
 * Key hashing. Raw keys exist only in the `/key/generate` response; KV holds
 * their SHA-256.
 * @module
 */

/** Hex SHA-256 of a raw key. */
export async function hashKey(rawKey: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(rawKey));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
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
