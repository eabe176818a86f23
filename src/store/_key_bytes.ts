/**
 * Store keys as bytes that sort the way Deno KV sorts them: each string part
 * is a `0x02` tag, its UTF-8 bytes with `0x00` escaped as `0x00 0xFF`, and a
 * `0x00` terminator (the tuple encoding Deno KV uses). Comparing the bytes
 * (PostgreSQL's `bytea` order) then orders keys part by part by UTF-8 bytes,
 * a key before the keys under it, exactly as Deno KV lists them.
 * @module
 */
import type { StoreKey } from "./store.ts";

const STRING_TAG = 0x02;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** The largest encoded key Deno KV accepts, kept here so both stores refuse the same keys. */
export const MAX_KEY_BYTES = 2048;

/**
 * Encodes a key.
 * @throws {TypeError} when a part is not a string
 */
export function encodeKey(key: StoreKey): Uint8Array {
  const out: number[] = [];
  for (const part of key) {
    if (typeof part !== "string") throw new TypeError("Cannot encode key: parts must be strings");
    out.push(STRING_TAG);
    for (const byte of encoder.encode(part)) {
      out.push(byte);
      if (byte === 0x00) out.push(0xff);
    }
    out.push(0x00);
  }
  return Uint8Array.from(out);
}

/**
 * Encodes a key that is written or checked: not empty, at most
 * {@linkcode MAX_KEY_BYTES}, as Deno KV requires.
 * @throws {TypeError} otherwise
 */
export function encodeWriteKey(key: StoreKey): Uint8Array {
  if (key.length === 0) throw new TypeError("key cannot be empty");
  const bytes = encodeKey(key);
  if (bytes.length > MAX_KEY_BYTES) {
    throw new TypeError(`Key too large for write (max ${MAX_KEY_BYTES} bytes)`);
  }
  return bytes;
}

/**
 * Decodes bytes made by {@linkcode encodeKey}.
 * @throws {TypeError} on bytes it did not make
 */
export function decodeKey(bytes: Uint8Array): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] !== STRING_TAG) throw new TypeError("Cannot decode key: not a string part");
    i++;
    const part: number[] = [];
    for (;;) {
      const byte = bytes[i++];
      if (byte === undefined) throw new TypeError("Cannot decode key: unterminated part");
      if (byte !== 0x00) {
        part.push(byte);
      } else if (bytes[i] === 0xff) {
        part.push(0x00);
        i++;
      } else {
        break;
      }
    }
    parts.push(decoder.decode(Uint8Array.from(part)));
  }
  return parts;
}

/**
 * The byte range a listing covers, as Deno KV computes it: under `prefix`
 * means after `prefix + 0x00` and before `prefix + 0xFF` (so the prefix key
 * itself is not listed); `start` and `end` must lie inside that range.
 * @returns `lower` inclusive and `upper` exclusive
 * @throws {TypeError} when `start` or `end` is not under `prefix`
 */
export function keyRange(
  prefix: StoreKey,
  bounds: { start?: StoreKey | undefined; end?: StoreKey | undefined },
): { lower: Uint8Array; upper: Uint8Array } {
  const p = encodeKey(prefix);
  let lower = concat(p, 0x00);
  let upper = concat(p, 0xff);
  if (bounds.start) {
    lower = encodeKey(bounds.start);
    if (!isUnder(lower, p)) {
      throw new TypeError("Start key is not in the keyspace defined by prefix");
    }
  }
  if (bounds.end) {
    upper = encodeKey(bounds.end);
    if (!isUnder(upper, p)) throw new TypeError("End key is not in the keyspace defined by prefix");
  }
  return { lower, upper };
}

function concat(bytes: Uint8Array, last: number): Uint8Array {
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = last;
  return out;
}

/** `key` starts with `prefix` and is longer. */
function isUnder(key: Uint8Array, prefix: Uint8Array): boolean {
  return key.length > prefix.length && prefix.every((byte, i) => key[i] === byte);
}

/**
 * A 32-bit lock id for a key (FNV-1a of its bytes), so commits that touch the
 * same key take the same advisory lock; two keys sharing an id only wait for
 * each other, which costs time, never correctness.
 */
export function keyLockId(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
