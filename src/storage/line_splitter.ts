/**
 * Splits a byte stream into lines at `\n` without decoding it. Lines are
 * decoded one by one afterwards, which makes a flat string per line instead
 * of a string per chunk plus a joined copy for each line that spans chunks.
 * Splitting bytes is safe for UTF-8: `\n` never occurs inside a multi-byte
 * sequence.
 * @module
 */

const NEWLINE = 10;

/** Line splitting over byte chunks; feed chunks with {@linkcode LineSplitter.push}. */
export class LineSplitter {
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  /** UTF-16 length of the pending bytes, counted only once they could exceed a limit. */
  #pendingChars = 0;
  #counted = 0;

  /**
   * The lines completed by `chunk` (without their `\n`), in order.
   * @example
   * ```ts
   * import assert from "assert";
   * import { LineSplitter } from "./line_splitter.ts";
   * const splitter = new LineSplitter();
   * const text = (b: Uint8Array) => new TextDecoder().decode(b);
   * assert.deepEqual(splitter.push(new TextEncoder().encode("a\nb")).map(text), ["a"]);
   * assert.deepEqual(splitter.push(new TextEncoder().encode("c\n")).map(text), ["bc"]);
   * assert.equal(splitter.finish(), null);
   * ```
   */
  push(chunk: Uint8Array): Uint8Array[] {
    const lines: Uint8Array[] = [];
    let start = 0;
    let nl = chunk.indexOf(NEWLINE);
    while (nl !== -1) {
      lines.push(this.#take(chunk.subarray(start, nl)));
      start = nl + 1;
      nl = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      this.#pending.push(chunk.subarray(start));
      this.#pendingBytes += chunk.length - start;
    }
    return lines;
  }

  /** The unfinished last line (a file without a final `\n`), or null. */
  finish(): Uint8Array | null {
    return this.#pendingBytes === 0 ? null : this.#take(new Uint8Array(0));
  }

  /**
   * Whether the unfinished line is longer than `maxChars` UTF-16 code units
   * (JavaScript string length). Bytes are only counted once there are more
   * than `maxChars` of them, and each byte once.
   */
  pendingExceeds(maxChars: number): boolean {
    if (this.#pendingBytes <= maxChars) return false;
    for (; this.#counted < this.#pending.length; this.#counted++) {
      this.#pendingChars += utf16Length(this.#pending[this.#counted]!);
    }
    return this.#pendingChars > maxChars;
  }

  /** Joins the pending bytes with `tail` into one line and clears them. */
  #take(tail: Uint8Array): Uint8Array {
    if (this.#pendingBytes === 0) return tail;
    const line = new Uint8Array(this.#pendingBytes + tail.length);
    let offset = 0;
    for (const piece of this.#pending) {
      line.set(piece, offset);
      offset += piece.length;
    }
    line.set(tail, offset);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#pendingChars = 0;
    this.#counted = 0;
    return line;
  }
}

/** UTF-16 length of UTF-8 bytes: one unit per lead byte, two for 4-byte sequences. */
function utf16Length(bytes: Uint8Array): number {
  let units = 0;
  for (const b of bytes) {
    if ((b & 0xc0) !== 0x80) units += b >= 0xf0 ? 2 : 1;
  }
  return units;
}
