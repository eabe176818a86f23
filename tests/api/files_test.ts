import assert from "assert";
import { errorOf, MASTER_KEY, testConfig, withApp } from "../_helpers/app.ts";

const CONFIG = `
model_list:
  - model_name: app-profile
    litellm_params:
      model: bedrock/arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcdef123456
      s3_bucket_name: b
      s3_endpoint_url: http://127.0.0.1:1
      aws_batch_role_arn: arn:aws:iam::123456789012:role/R
general_settings:
  master_key: ${MASTER_KEY}
`;

function uploadForm(text: string, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.append("purpose", "batch");
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("file", new Blob([text]), "in.jsonl");
  return form;
}

Deno.test("POST /v1/files refuses a model whose request format is unknown, before storing anything", async () => {
  await withApp(async (t) => {
    const line = JSON.stringify({
      custom_id: "a",
      method: "POST",
      url: "/v1/chat/completions",
      body: { model: "app-profile", messages: [{ role: "user", content: "hi" }] },
    });
    const res = await t.app.request("/v1/files", {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER_KEY}` },
      body: uploadForm(line + "\n"),
    });
    assert.equal(res.status, 400);
    const error = errorOf(await res.json());
    assert.equal(error.code, "unsupported_model");
    assert.match(String(error.message), /does not know the request format/);
  }, { config: testConfig(CONFIG) });
});

Deno.test("POST /v1/files refuses a body that is not multipart and a wrong purpose sent first", async () => {
  await withApp(async (t) => {
    const json = await t.app.request("/v1/files", {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(json.status, 400);
    assert.equal(errorOf(await json.json()).code, "invalid_content_type");

    // A multipart body without its boundary is refused before much of it is read.
    const noBoundary = await t.app.request("/v1/files", {
      method: "POST",
      headers: {
        authorization: `Bearer ${MASTER_KEY}`,
        "content-type": "multipart/form-data; boundary=xyz",
      },
      body: "x".repeat(200_000),
    });
    assert.equal(noBoundary.status, 400);
    const multipartError = errorOf(await noBoundary.json());
    assert.equal(multipartError.code, "invalid_multipart");
    assert.match(String(multipartError.message), /no boundary in the first 16384 bytes/);

    const form = new FormData();
    form.append("purpose", "fine-tune");
    form.append("file", new Blob(["{}\n"]), "in.jsonl");
    const res = await t.app.request("/v1/files", {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER_KEY}` },
      body: form,
    });
    assert.equal(res.status, 400);
    const error = errorOf(await res.json());
    assert.equal(error.param, "purpose");
    assert.match(String(error.message), /Cannot accept purpose 'fine-tune'/);
  });
});
