/**
 * The text `deno task demo` prints once everything listens: where Batchgate
 * is, its master key, and ready-to-paste examples that run a whole batch.
 * @module
 */

/** What {@linkcode demoBanner} shows. */
export interface BannerInfo {
  /** Batchgate's URL, `http://127.0.0.1:PORT`. */
  url: string;
  masterKey: string;
  /** Absolute path of the demo folder. */
  dir: string;
  /** Absolute path of the sample input file. */
  samplePath: string;
  /** Lines in the sample file. */
  records: number;
}

/**
 * Quotes `text` for bash and zsh when it holds anything but plain path characters.
 * @example
 * ```ts
 * import { shellQuote } from "./banner.ts";
 * shellQuote("file=@/tmp/my file"); // "'file=@/tmp/my file'"
 * ```
 */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * Builds the banner. Two lines are meant for scripts as well as people:
 * `Batchgate: <url>` and `Master key: <key>`, each at the start of a line.
 * The command blocks hold no `#` comments, because zsh (macOS's default
 * shell) runs pasted comments as commands unless `interactivecomments` is set.
 */
export function demoBanner(info: BannerInfo): string {
  const { url, masterKey } = info;
  // JSON string literals are also valid Python and JavaScript string literals.
  const sampleLiteral = JSON.stringify(info.samplePath);
  const rule = "-".repeat(78);
  return `
${rule}
Batchgate demo: the OpenAI Files and Batches API, run as Bedrock batch jobs.
No AWS account is used: s3rver stands in for S3 and an emulator for Bedrock.

Batchgate: ${url}
Master key: ${masterKey}
Data:       ${info.dir}  (stop the demo and delete this folder to start over)
Sample:     ${info.samplePath}  (${info.records} chat requests)
Models:     bedrock-batch-claude, bedrock-batch-nova

${rule}
1) curl (bash or zsh; needs curl and jq). Paste the whole block: it makes a
   virtual key, uploads the sample, creates a batch, polls it until it ends
   (about 10 seconds) and saves the results to batch_output.jsonl.

BG=${url}
MASTER_KEY=${masterKey}
KEY=$(curl -s "$BG/key/generate" -H "Authorization: Bearer $MASTER_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"models": ["bedrock-batch-claude", "bedrock-batch-nova"]}' | jq -r .key)
FILE_ID=$(curl -s "$BG/v1/files" -H "Authorization: Bearer $KEY" \\
  -F purpose=batch -F ${shellQuote(`file=@${info.samplePath}`)} \\
  -F extra_body='{"target_model_names": "bedrock-batch-claude"}' | jq -r .id)
BATCH_ID=$(curl -s "$BG/v1/batches" -H "Authorization: Bearer $KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"input_file_id": "'"$FILE_ID"'", "endpoint": "/v1/chat/completions", "completion_window": "24h"}' \\
  | jq -r .id)
STATUS=validating
while [ "$STATUS" = validating ] || [ "$STATUS" = in_progress ] || [ "$STATUS" = finalizing ]; do
  sleep 2
  STATUS=$(curl -s "$BG/v1/batches/$BATCH_ID" -H "Authorization: Bearer $KEY" | jq -r .status)
  echo "$BATCH_ID: $STATUS"
done
OUTPUT_FILE_ID=$(curl -s "$BG/v1/batches/$BATCH_ID" -H "Authorization: Bearer $KEY" \\
  | jq -r .output_file_id)
curl -s "$BG/v1/files/$OUTPUT_FILE_ID/content" -H "Authorization: Bearer $KEY" -o batch_output.jsonl
wc -l batch_output.jsonl
head -n 1 batch_output.jsonl | jq .

${rule}
2) OpenAI Python SDK (pip install openai). Paste into a shell:

python3 - <<'EOF'
import time
from openai import OpenAI

client = OpenAI(base_url="${url}/v1", api_key="${masterKey}")
file = client.files.create(
    file=open(${sampleLiteral}, "rb"),
    purpose="batch",
    extra_body={"target_model_names": "bedrock-batch-claude"},
)
batch = client.batches.create(
    input_file_id=file.id, endpoint="/v1/chat/completions", completion_window="24h"
)
while batch.status in ("validating", "in_progress", "finalizing"):
    time.sleep(2)
    batch = client.batches.retrieve(batch.id)
    print(batch.id, batch.status)
lines = client.files.content(batch.output_file_id).text.splitlines()
print(len(lines), "results; the first:", lines[0])
EOF

${rule}
3) OpenAI Node SDK. Paste into a shell, in a folder where \`npm install openai\` ran:

node --input-type=module - <<'EOF'
import fs from "node:fs";
import OpenAI from "openai";

const client = new OpenAI({ baseURL: "${url}/v1", apiKey: "${masterKey}" });
const file = await client.files.create({
  file: fs.createReadStream(${sampleLiteral}),
  purpose: "batch",
  target_model_names: "bedrock-batch-claude",
});
let batch = await client.batches.create({
  input_file_id: file.id,
  endpoint: "/v1/chat/completions",
  completion_window: "24h",
});
while (["validating", "in_progress", "finalizing"].includes(batch.status)) {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  batch = await client.batches.retrieve(batch.id);
  console.log(batch.id, batch.status);
}
const output = await (await client.files.content(batch.output_file_id)).text();
const lines = output.trim().split("\\n");
console.log(lines.length, "results; the first:", lines[0]);
EOF

${rule}
Press Ctrl+C to stop. Files, keys and finished batches survive a restart; batches
still running then fail about a minute later (the Bedrock emulator keeps jobs in memory).
Logs (JSON lines) follow on stderr.
${rule}`;
}
