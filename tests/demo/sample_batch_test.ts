import assert from "assert";
import { SAMPLE_RECORDS, sampleBatchJsonl } from "../../tools/demo/sample_batch.ts";

Deno.test("sampleBatchJsonl() writes 120 unique chat requests in the OpenAI batch format", () => {
  const text = sampleBatchJsonl();
  assert.ok(text.endsWith("}\n"));
  const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.equal(SAMPLE_RECORDS, 120);
  assert.equal(lines.length, 120);
  assert.equal(new Set(lines.map((l) => l.custom_id)).size, 120);
  for (const line of lines) {
    assert.deepEqual(Object.keys(line), ["custom_id", "method", "url", "body"]);
    assert.equal(line.method, "POST");
    assert.equal(line.url, "/v1/chat/completions");
    assert.equal(line.body.model, "bedrock-batch-claude");
    assert.equal(line.body.messages.at(-1).role, "user");
  }
  assert.equal(sampleBatchJsonl(3).trimEnd().split("\n").length, 3);
});
