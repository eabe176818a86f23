/**
 * Splits a byte stream into text lines, a chunk's worth at a time (one
 * await per chunk, not per line). Lines are split as bytes and decoded one
 * by one, so no string is made per chunk nor joined per line.
 * @module
 */
import { LineSplitter } from "./line_splitter.ts";

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
  // Only the stream's first line may start with a byte order mark, as with one streaming decode.
  const firstDecoder = new TextDecoder();
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  const splitter = new LineSplitter();
  let first = true;
  const decode = (bytes: Uint8Array): string => {
    const text = (first ? firstDecoder : decoder).decode(bytes);
    first = false;
    return text;
  };
  for await (const chunk of stream) {
    const lines = clean(splitter.push(chunk).map(decode));
    if (lines.length > 0) yield lines;
  }
  const rest = splitter.finish();
  const last = rest ? clean([decode(rest)]) : [];
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
