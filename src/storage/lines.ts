/**
 * Splits a byte stream into text lines, a chunk's worth at a time (one
 * await per chunk, not per line).
 * @module
 */

/**
 * Yields the complete lines of each chunk (without `\n` or `\r\n`); empty
 * lines are skipped.
 * @example
 * ```ts
 * import { readLineBatches } from "./lines.ts";
 * const body = new Response("a\nb\n").body!;
 * for await (const lines of readLineBatches(body)) console.log(lines); // ["a", "b"]
 * ```
 */
export async function* readLineBatches(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<string[]> {
  const decoder = new TextDecoder();
  let carry = "";
  for await (const chunk of stream) {
    const text = carry + decoder.decode(chunk, { stream: true });
    const parts = text.split("\n");
    carry = parts.pop()!;
    const lines = clean(parts);
    if (lines.length > 0) yield lines;
  }
  const last = clean([carry + decoder.decode()]);
  if (last.length > 0) yield last;
}

function clean(parts: string[]): string[] {
  const out: string[] = [];
  for (let p of parts) {
    if (p.endsWith("\r")) p = p.slice(0, -1);
    if (p.trim() !== "") out.push(p);
  }
  return out;
}
