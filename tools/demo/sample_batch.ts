/**
 * The demo's sample batch input, in the JSONL format of LiteLLM's and
 * OpenAI's docs.
 * @module
 */

/** Records in the sample: Bedrock refuses jobs under 100. */
export const SAMPLE_RECORDS = 120;

const QUESTIONS = [
  "What is the capital of France?",
  "Name three primary colours.",
  "Explain batch inference in one sentence.",
  "What is 17 times 23?",
  "Suggest a name for a grey cat.",
  "Translate 'good morning' into Spanish.",
];

/**
 * Builds `records` chat requests for the `bedrock-batch-claude` model group,
 * one JSON object per line (`custom_id`, `method`, `url`, `body`).
 * @param records how many lines (default {@linkcode SAMPLE_RECORDS})
 * @returns the JSONL text, ending in a newline
 */
export function sampleBatchJsonl(records = SAMPLE_RECORDS): string {
  const lines: string[] = [];
  for (let i = 1; i <= records; i++) {
    lines.push(JSON.stringify({
      custom_id: `request-${i}`,
      method: "POST",
      url: "/v1/chat/completions",
      body: {
        model: "bedrock-batch-claude",
        messages: [
          { role: "system", content: "You are a helpful assistant." },
          { role: "user", content: `${QUESTIONS[(i - 1) % QUESTIONS.length]} (#${i})` },
        ],
        max_tokens: 200,
      },
    }));
  }
  return lines.join("\n") + "\n";
}
