/**
 * Baseline (a) of the ingest benchmark, in a process of its own: the same
 * per-line parse and translation as an upload, Bedrock JSONL to /dev/null.
 * Run as `deno run -A bench/_baseline_a.ts FILE`: each line `run` on stdin
 * runs it once over FILE and prints the milliseconds taken. A process of its
 * own keeps its code and heap warm between rounds, and free of what the
 * benchmark's own process does in between (S3 clients, the upload's client).
 * @module
 */
import { translatorFor } from "../src/bedrock/translators.ts";
import { MODEL_ID } from "./_util.ts";

/** Baseline (a): the same per-line parse and translation, Bedrock JSONL to /dev/null. */
export async function parseTranslateToDevNull(path: string): Promise<void> {
  const translator = translatorFor(MODEL_ID);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const sink = await Deno.open("/dev/null", { write: true });
  const file = await Deno.open(path);
  let carry = "";
  let out: string[] = [];
  let outChars = 0;
  let records = 0;
  const handle = async (text: string) => {
    if (text.trim() === "") return;
    const line = JSON.parse(text) as { custom_id: string; body: Record<string, unknown> };
    if (typeof line.custom_id !== "string") throw new Error("Bad line");
    const modelInput = translator.toModelInput(line.body, { modelId: MODEL_ID });
    const record = JSON.stringify({
      recordId: `R${String(records++).padStart(10, "0")}`,
      modelInput,
    });
    out.push(record, "\n");
    outChars += record.length + 1;
    if (outChars >= 1024 * 1024) {
      await sink.write(encoder.encode(out.join("")));
      out = [];
      outChars = 0;
    }
  };
  for await (const chunk of file.readable) {
    const parts = (carry + decoder.decode(chunk, { stream: true })).split("\n");
    carry = parts.pop()!;
    for (const part of parts) await handle(part);
  }
  await handle(carry + decoder.decode());
  await sink.write(encoder.encode(out.join("")));
  sink.close();
}

if (import.meta.main) {
  const path = Deno.args[0];
  if (!path) throw new Error("usage: _baseline_a.ts FILE");
  const encoder = new TextEncoder();
  for await (const line of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    for (const command of line.split("\n")) {
      if (command.trim() !== "run") continue;
      const started = performance.now();
      await parseTranslateToDevNull(path);
      await Deno.stdout.write(encoder.encode(`${performance.now() - started}\n`));
    }
  }
}
