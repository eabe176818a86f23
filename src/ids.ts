/**
 * Opaque, time-sortable ids. An id never encodes a bucket, key or ARN: it is
 * only a handle that the owner check in the store resolves.
 * @module
 */

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

function encodeTime(ms: number): string {
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

function randomPart(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += ALPHABET[b % 32];
  return out;
}

/**
 * Makes a new id: prefix, 10 characters of millisecond time, 16 random
 * characters. Ids made later sort after earlier ones, so a KV prefix listing
 * is chronological.
 * @example
 * ```ts
 * import { newId } from "./ids.ts";
 * newId("file-"); // "file-01jb3k…"
 * ```
 */
export function newId(prefix: string, now = Date.now()): string {
  return prefix + encodeTime(now) + randomPart(16);
}

/** Lower-case alphanumeric random string (for Bedrock record ids and tokens). */
export function randomAlnum(length: number): string {
  return randomPart(length);
}
