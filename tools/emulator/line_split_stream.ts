/**
 * Splits decoded text into lines (`\n` or `\r\n`), like std's TextLineStream.
 * @module
 */

/** A TransformStream from text chunks to lines without their line breaks. */
export class LineSplitStream extends TransformStream<string, string> {
  constructor() {
    let rest = "";
    super({
      transform(chunk, controller) {
        const parts = (rest + chunk).split("\n");
        rest = parts.pop() ?? "";
        for (const part of parts) {
          controller.enqueue(part.endsWith("\r") ? part.slice(0, -1) : part);
        }
      },
      flush(controller) {
        if (rest !== "") controller.enqueue(rest.endsWith("\r") ? rest.slice(0, -1) : rest);
      },
    });
  }
}
