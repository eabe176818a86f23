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
  const decode = lineDecoder();
  const splitter = new LineSplitter();
  for await (const chunk of stream) {
    const lines = clean(splitter.push(chunk).map(decode));
    if (lines.length > 0) yield lines;
  }
  const rest = splitter.finish();
  const last = rest ? clean([decode(rest)]) : [];
  if (last.length > 0) yield last;
}

/**
 * A stream from bytes to text lines, without `\n` or `\r\n`; empty lines
 * are kept (for callers that number lines as the file has them).
 * @example
 * ```ts
 * import { LineStream } from "./lines.ts";
 * const lines = new Response("a\r\n\nb").body!.pipeThrough(new LineStream());
 * for await (const line of lines) console.log(line); // "a", "", "b"
 * ```
 */
export class LineStream extends TransformStream<Uint8Array, string> {
  constructor() {
    const decode = lineDecoder();
    const splitter = new LineSplitter();
    const strip = (line: string) => line.endsWith("\r") ? line.slice(0, -1) : line;
    super({
      transform(chunk, controller) {
        for (const line of splitter.push(chunk)) controller.enqueue(strip(decode(line)));
      },
      flush(controller) {
        const rest = splitter.finish();
        if (rest) controller.enqueue(strip(decode(rest)));
      },
    });
  }
}

/**
 * Decodes lines one by one as one streaming decode would: only the first
 * line may start with a byte order mark, which is dropped.
 */
function lineDecoder(): (bytes: Uint8Array) => string {
  const firstDecoder = new TextDecoder();
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  let first = true;
  return (bytes) => {
    const text = (first ? firstDecoder : decoder).decode(bytes);
    first = false;
    return text;
  };
}

function clean(parts: string[]): string[] {
  const out: string[] = [];
  for (let p of parts) {
    if (p.endsWith("\r")) p = p.slice(0, -1);
    if (p.trim() !== "") out.push(p);
  }
  return out;
}
