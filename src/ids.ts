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

const ALPHABET_CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** Random bytes are drawn 4 KiB at a time: output conversion makes an id per line. */
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let poolAt = 0;
const codes: number[] = [];

function randomPart(length: number): string {
  if (poolAt + length > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(Math.max(POOL_BYTES, length)));
    poolAt = 0;
  }
  codes.length = length;
  // 256 is a multiple of 32, so every character is equally likely.
  for (let i = 0; i < length; i++) codes[i] = ALPHABET_CODES[pool[poolAt + i]! & 31]!;
  poolAt += length;
  return String.fromCharCode(...codes);
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
