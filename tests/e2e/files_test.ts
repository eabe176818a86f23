import { toFile } from "openai";
import assert from "assert";
import OpenAI from "openai";
import {
  chatLines,
  generateKey,
  listObjectKeys,
  STACK_BUCKET,
  STACK_MASTER_KEY,
  startStack,
  uploadJsonl,
} from "../_helpers/stack.ts";

async function postForm(url: string, key: string, form: FormData) {
  const res = await fetch(`${url}/v1/files`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}` },
    body: form,
  });
  return { status: res.status, body: await res.json() };
}

function jsonlBlob(text: string): Blob {
  return new Blob([text], { type: "application/jsonl" });
}

Deno.test("POST /v1/files accepts LiteLLM's curl form and the SDK's forms", async (t) => {
  const stack = await startStack();
  try {
    await t.step("curl form: purpose, file, extra_body JSON after the file", async () => {
      const form = new FormData();
      form.append("purpose", "batch");
      form.append("file", jsonlBlob(chatLines(3)), "bedrock_batch_completions.jsonl");
      form.append("extra_body", JSON.stringify({ target_model_names: "bedrock-batch-claude" }));
      const { status, body } = await postForm(stack.url, STACK_MASTER_KEY, form);
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.object, "file");
      assert.equal(body.filename, "bedrock_batch_completions.jsonl");
      assert.equal(body.purpose, "batch");
    });

    await t.step("the SDK's expires_after fields after the file are read past", async () => {
      const file = await stack.client().files.create({
        file: await toFile(new TextEncoder().encode(chatLines(2)), "expiring.jsonl"),
        purpose: "batch",
        expires_after: { anchor: "created_at", seconds: 3600 },
      });
      assert.equal(file.status, "processed");
      assert.equal(file.expires_at, file.created_at + 3600);
      assert.equal((await stack.client().files.retrieve(file.id)).expires_at, file.expires_at);
      const form = new FormData();
      form.append("purpose", "batch");
      form.append("file", jsonlBlob(chatLines(2)), "b.jsonl");
      form.append("unknown_field", "x".repeat(200_000));
      const { status, body } = await postForm(stack.url, STACK_MASTER_KEY, form);
      assert.equal(status, 200, JSON.stringify(body));
    });

    await t.step("extra_body[target_model_names] field", async () => {
      const form = new FormData();
      form.append("file", jsonlBlob(chatLines(2, { model: null })), "a.jsonl");
      form.append("purpose", "batch");
      form.append("extra_body[target_model_names]", "bedrock-batch-nova");
      const { status, body } = await postForm(stack.url, STACK_MASTER_KEY, form);
      assert.equal(status, 200, JSON.stringify(body));
      const content = await listObjectKeys(stack, `batchgate/files/${body.id}/`);
      assert.equal(content.length, 3);
    });

    await t.step("a byte order mark before the first line is accepted and kept", async () => {
      const text = "\uFEFF" + chatLines(3);
      const file = await uploadJsonl(stack.client(), text);
      const res = await fetch(`${stack.url}/v1/files/${file.id}/content`, {
        headers: { authorization: `Bearer ${STACK_MASTER_KEY}` },
      });
      assert.deepEqual(new Uint8Array(await res.arrayBuffer()), new TextEncoder().encode(text));
    });

    await t.step("no target: the lines' body.model decides", async () => {
      const file = await uploadJsonl(stack.client(), chatLines(2, { model: "bedrock-batch-nova" }));
      assert.equal(file.purpose, "batch");
      const res = await fetch(`${stack.url}/v1/files/${file.id}/content`, {
        headers: { authorization: `Bearer ${STACK_MASTER_KEY}` },
      });
      assert.equal(await res.text(), chatLines(2, { model: "bedrock-batch-nova" }));
    });

    await t.step(
      "target after the file re-translates; no object of the first model's is left",
      async () => {
        // Claude marks each content part `"type":"text"`, Nova does not: with many parts, the
        // first pass (the lines' model, Claude: 16 MiB in objects of 2, 4, 4, 4 and 2 MiB) writes
        // more objects than the second (the target, Nova: 10 MiB in four), so any left over
        // would show.
        const lines = 15_000;
        const parts = Array.from({ length: 30 }, (_, i) => ({ type: "text", text: `part ${i}` }));
        let text = "";
        for (let i = 0; i < lines; i++) {
          text += JSON.stringify({
            custom_id: `request-${i}`,
            method: "POST",
            url: "/v1/chat/completions",
            body: { model: "bedrock-batch-claude", messages: [{ role: "user", content: parts }] },
          }) + "\n";
        }
        const since = stack.s3Requests.length;
        const file = await uploadJsonl(stack.client(), text, {
          target_model_names: "bedrock-batch-nova",
        });
        const folder = `batchgate/files/${file.id}/bedrock/`;
        const puts = stack.s3Requests.slice(since).filter((r) =>
          r.method === "PUT" && r.path.includes(folder)
        ).map((r) => r.path.slice(r.path.indexOf(folder)));
        const firstPass = puts.lastIndexOf(`${folder}00001.jsonl`);
        const keys = await listObjectKeys(stack, folder);
        assert.ok(
          firstPass > keys.length,
          `first pass: ${firstPass} objects, second: ${keys.length}`,
        );
        const { GetObjectCommand } = await import("@aws-sdk/client-s3");
        let records = 0;
        for (const key of keys) {
          const obj = await stack.s3.send(new GetObjectCommand({ Bucket: STACK_BUCKET, Key: key }));
          for (const line of (await obj.Body!.transformToString()).split("\n")) {
            if (line === "") continue;
            records++;
            assert.equal(JSON.parse(line).modelInput.anthropic_version, undefined, key);
          }
        }
        assert.equal(records, lines);
      },
    );

    await t.step("target after the file overrides a line model that is no group", async () => {
      const text = chatLines(3, { model: "gpt-4o-mini" });
      const file = await uploadJsonl(stack.client(), text, {
        target_model_names: "bedrock-batch-nova",
      });
      // The original is kept as sent; the Bedrock input is in Nova's format.
      const keys = await listObjectKeys(stack, `batchgate/files/${file.id}/`);
      assert.equal(keys.length, 3);
      const { GetObjectCommand } = await import("@aws-sdk/client-s3");
      const obj = await stack.s3.send(
        new GetObjectCommand({
          Bucket: "batchgate-e2e",
          Key: `batchgate/files/${file.id}/bedrock/00001.jsonl`,
        }),
      );
      const first = JSON.parse((await obj.Body!.transformToString()).split("\n")[0]!);
      assert.ok("inferenceConfig" in first.modelInput || "messages" in first.modelInput);
      assert.equal(first.modelInput.anthropic_version, undefined);
      // Nothing from the staging pass is left behind.
      const all = await listObjectKeys(stack, "batchgate/files/");
      assert.equal(all.filter((k) => k.includes(file.id)).length, 3);
    });
  } finally {
    await stack.close();
  }
});

Deno.test("POST /v1/files refuses bad input with the line number and stores nothing", async (t) => {
  const stack = await startStack();
  try {
    const client = stack.client();
    const expectError = async (
      text: string | Uint8Array,
      status: number,
      pattern: RegExp,
      extra = {},
    ) => {
      const before = await listObjectKeys(stack);
      const error = await uploadJsonl(client, text, extra).then(
        () => assert.fail("upload should fail"),
        (e) => e,
      );
      assert.ok(error instanceof OpenAI.APIError, String(error));
      assert.equal(error.status, status);
      const body = error.error as Record<string, unknown>;
      assert.match(String(body.message), pattern);
      assert.ok("type" in body && "param" in body && "code" in body);
      assert.deepEqual(await listObjectKeys(stack), before, "no object left behind");
      return body;
    };
    const good = chatLines(5).split("\n");
    await t.step("line that is not JSON", async () => {
      const text = [...good.slice(0, 3), "{not json", ...good.slice(3)].join("\n");
      const body = await expectError(text, 400, /^Line 4: not valid JSON/);
      assert.equal(body.line, 4);
    });
    await t.step("max_tokens above the model's output limit", async () => {
      for (const field of ["max_tokens", "max_completion_tokens"]) {
        const lines = good.filter(Boolean).map((l) => JSON.parse(l));
        lines[2].body[field] = 10_000_000;
        delete lines[2].body[field === "max_tokens" ? "max_completion_tokens" : "max_tokens"];
        const text = lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
        const body = await expectError(text, 400, /^Line 3: .*(max_tokens|max_completion_tokens)/);
        assert.equal(body.line, 3);
      }
    });
    await t.step("bytes that are not UTF-8, reported in line order", async () => {
      const encode = (lines: string[]) =>
        new TextEncoder().encode(lines.map((l) => l + "\n").join(""));
      const many = chatLines(600, { text: (i) => `Question ${i}: ${"é".repeat(i % 50)}` })
        .split("\n").filter(Boolean);
      // Line 400 gets a byte that is never UTF-8, inside its JSON string.
      const bad = (lines: string[], at: number) => {
        const head = encode(lines.slice(0, at - 1));
        const line = new TextEncoder().encode(lines[at - 1]!);
        line[line.length - 5] = 0xff;
        const tail = encode(lines.slice(at));
        return new Uint8Array([...head, ...line, 10, ...tail]);
      };
      const body = await expectError(bad(many, 400), 400, /^Line 400: not valid UTF-8/);
      assert.equal(body.line, 400);
      await expectError(bad(good.filter(Boolean), 1), 400, /^Line 1: not valid UTF-8/);
      // An earlier line that is not JSON is reported first.
      const earlier = [...many.slice(0, 9), "{not json", ...many.slice(10)];
      await expectError(bad(earlier, 400), 400, /^Line 10: not valid JSON/);
    });
    await t.step("duplicate custom_id", async () => {
      await expectError(
        [good[0], good[1], good[0]].join("\n"),
        400,
        /^Line 3: custom_id 'request-0'/,
      );
    });
    await t.step("wrong method and url", async () => {
      const bad = JSON.stringify({ ...JSON.parse(good[1]!), method: "GET" });
      await expectError([good[0], bad].join("\n"), 400, /^Line 2: method must be POST/);
      const badUrl = JSON.stringify({ ...JSON.parse(good[1]!), url: "/v1/completions" });
      await expectError([good[0], badUrl].join("\n"), 400, /^Line 2: url/);
    });
    await t.step("unsupported parameter is refused, not dropped", async () => {
      const line = JSON.parse(good[2]!);
      line.body.n = 3;
      await expectError(
        [good[0], good[1], JSON.stringify(line)].join("\n"),
        400,
        /^Line 3: .*\bn\b/,
      );
    });
    await t.step("mixed models", async () => {
      const other = chatLines(1, { model: "bedrock-batch-nova", customId: () => "x" });
      await expectError(
        good[0] + "\n" + other,
        400,
        /^Line 2: body.model .*all requests in a file/,
      );
    });
    await t.step("unknown model", async () => {
      await expectError(
        chatLines(2, { model: "nope" }),
        400,
        /Cannot tell which model|Unknown model/,
      );
      await expectError(chatLines(2), 400, /Unknown model 'nope'/, { target_model_names: "nope" });
    });
    await t.step("empty file and wrong purpose", async () => {
      await expectError("\n\n", 400, /no requests/);
      const form = new FormData();
      form.append("purpose", "fine-tune");
      form.append("file", jsonlBlob(chatLines(2)), "a.jsonl");
      const { status, body } = await postForm(stack.url, STACK_MASTER_KEY, form);
      assert.equal(status, 400);
      assert.equal(body.error.param, "purpose");
    });
    const files = await client.files.list();
    assert.equal(files.data.length, 0, "no file record was written");
  } finally {
    await stack.close();
  }
});

Deno.test("POST /v1/files answers 413 past the configured size limit", async () => {
  const stack = await startStack({ extraParams: "\n      batch_max_file_bytes: 2000" });
  try {
    const error = await uploadJsonl(stack.client(), chatLines(30)).then(
      () => assert.fail("upload should fail"),
      (e) => e,
    );
    assert.equal(error.status, 413);
    assert.match(error.error.message, /larger than the limit of 2000 bytes/);
    assert.deepEqual(await listObjectKeys(stack), []);
  } finally {
    await stack.close();
  }
});

Deno.test("files are isolated per key and models per key", async () => {
  const stack = await startStack();
  try {
    const alice = await generateKey(stack, { models: ["bedrock-batch-claude"] });
    const bob = await generateKey(stack, {});
    const aliceFile = await uploadJsonl(stack.client(alice), chatLines(2));
    const bobClient = stack.client(bob);
    for (
      const call of [
        () => bobClient.files.retrieve(aliceFile.id),
        () => bobClient.files.content(aliceFile.id),
        () => bobClient.files.delete(aliceFile.id),
        () =>
          bobClient.batches.create({
            input_file_id: aliceFile.id,
            endpoint: "/v1/chat/completions",
            completion_window: "24h",
          }),
        () => bobClient.files.retrieve("file-doesnotexist00000000000"),
      ]
    ) {
      const error = await call().then(() => assert.fail("should be 404"), (e) => e);
      assert.equal(error.status, 404, String(error));
    }
    assert.equal((await bobClient.files.list()).data.length, 0);
    assert.equal((await stack.client(alice).files.list()).data.length, 1);

    // Alice may not use Nova.
    const denied = await uploadJsonl(stack.client(alice), chatLines(2), {
      target_model_names: "bedrock-batch-nova",
    }).then(() => assert.fail("should be 403"), (e) => e);
    assert.equal(denied.status, 403);
    assert.match(denied.error.message, /may not use model 'bedrock-batch-nova'/);

    // Deleting works for the owner.
    const deleted = await stack.client(alice).files.delete(aliceFile.id);
    assert.equal(deleted.deleted, true);
    assert.deepEqual(await listObjectKeys(stack, `batchgate/files/${aliceFile.id}/`), []);
  } finally {
    await stack.close();
  }
});

Deno.test("keys of one team see each other's files and batches; other teams do not", async () => {
  const stack = await startStack();
  try {
    for (const team of ["red", "blue"]) {
      const res = await fetch(`${stack.url}/team/new`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${STACK_MASTER_KEY}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ team_id: team }),
      });
      assert.equal(res.status, 200);
    }
    const red1 = stack.client(await generateKey(stack, { team_id: "red" }));
    const red2 = stack.client(await generateKey(stack, { team_id: "red" }));
    const blue = stack.client(await generateKey(stack, { team_id: "blue" }));
    const file = await uploadJsonl(red1, chatLines(100));
    assert.equal((await red2.files.retrieve(file.id)).id, file.id);
    assert.deepEqual((await red2.files.list()).data.map((f) => f.id), [file.id]);
    const batch = await red2.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
    });
    assert.equal((await red1.batches.retrieve(batch.id)).id, batch.id);
    const hidden = await blue.batches.retrieve(batch.id).then(() => assert.fail(), (e) => e);
    assert.equal(hidden.status, 404);
    assert.equal((await blue.files.list()).data.length, 0);
    assert.equal((await blue.batches.list()).data.length, 0);
  } finally {
    await stack.close();
  }
});

Deno.test("POST /v1/files refuses more requests than Bedrock's per-job limit, model known or not", async () => {
  const stack = await startStack({ extraParams: "\n      batch_max_records: 5" });
  try {
    const forms: Record<string, string>[] = [{}, { target_model_names: "bedrock-batch-claude" }];
    for (const extra of forms) {
      const error = await uploadJsonl(stack.client(), chatLines(8, { model: "gpt-4o" }), extra)
        .then(
          () => assert.fail("upload should fail"),
          (e) => e,
        );
      assert.equal(error.status, 400);
      assert.match(error.error.message, /^Line 6: the file has more than 5 requests/);
      assert.equal(error.error.line, 6);
    }
    assert.deepEqual(await listObjectKeys(stack), []);
  } finally {
    await stack.close();
  }
});

Deno.test("a 20 MB upload to Batchgate as deployed streams to S3 as folders of objects and reads back byte for byte", async () => {
  // A child process with the start task's V8 flags, so the paced GC runs mid-upload.
  const stack = await startStack({ subprocess: true });
  try {
    const lines = 2_000;
    // Hex digits from a fixed pseudo-random sequence (xorshift) barely compress, so the
    // compressed original spans more than one 2 MiB object too.
    let seed = 7;
    const hex = (n: number) => {
      let out = "";
      for (let i = 0; i < n; i++) {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        out += (seed >>> 28).toString(16);
      }
      return out;
    };
    const text = chatLines(lines, { text: (i) => `Request ${i}: ${hex(10_000)}` });
    const size = new TextEncoder().encode(text).length;
    assert.ok(size > 20_000_000, `${size} bytes`);
    const file = await uploadJsonl(stack.client(), text);
    assert.equal(file.bytes, size);
    const originals = await listObjectKeys(stack, `batchgate/files/${file.id}/original/`);
    assert.ok(originals.length >= 2, `${originals.length} objects`);

    const res = await fetch(`${stack.url}/v1/files/${file.id}/content`, {
      headers: { authorization: `Bearer ${STACK_MASTER_KEY}` },
    });
    assert.equal(res.status, 200);
    assert.ok((await res.text()) === text, "the content is the uploaded bytes");

    // The Bedrock JSONL is a folder of objects of up to 4 MiB, each sent by one PUT and
    // holding whole lines.
    const folder = `batchgate/files/${file.id}/bedrock/`;
    const puts = stack.s3Requests.filter((r) => r.method === "PUT" && r.path.includes(folder));
    assert.ok(puts.length >= 3, `${puts.length} objects`);
    assert.deepEqual(puts.filter((r) => r.search.includes("uploadId=")), []);
    // Bodies go out at once, not after a "100 Continue".
    assert.deepEqual(stack.s3Requests.filter((r) => r.headers.expect), []);

    const { GetObjectCommand } = await import("@aws-sdk/client-s3");
    const keys = await listObjectKeys(stack, folder);
    assert.deepEqual(keys, puts.map((_, i) => `${folder}${String(i + 1).padStart(5, "0")}.jsonl`));
    const records = [];
    for (const [i, key] of keys.entries()) {
      const obj = await stack.s3.send(new GetObjectCommand({ Bucket: STACK_BUCKET, Key: key }));
      const bytes = await obj.Body!.transformToByteArray();
      // The first object is 2 MiB at most, the others 4 MiB.
      assert.ok(bytes.length <= (i === 0 ? 2 : 4) * 1024 * 1024, `${key}: ${bytes.length} bytes`);
      assert.equal(bytes.at(-1), 10, `${key} ends with a whole line`);
      records.push(
        ...new TextDecoder().decode(bytes).split("\n").filter((l) => l !== "").map((l) =>
          JSON.parse(l)
        ),
      );
    }
    assert.equal(records.length, lines);
    assert.deepEqual(records.map((r) => r.recordId).slice(0, 2), ["R0000000000", "R0000000001"]);
    assert.equal(records.at(-1).recordId, "R0000001999");
    assert.match(records.at(-1).modelInput.messages[0].content[0].text, /^Request 1999: /);
  } finally {
    await stack.close();
  }
});

Deno.test("DELETE /v1/files/{id} reads DeleteObjects' per-key errors: retries, then reports", async (t) => {
  const stack = await startStack();
  const isDelete = (r: { method: string; search: string }) =>
    r.method === "POST" && r.search.includes("delete");
  // S3 answers 200 and refuses each key inside the body, as it does for AccessDenied.
  const refuseEach = (body: string) =>
    new Response(
      `<?xml version="1.0" encoding="UTF-8"?><DeleteResult>${
        [...body.matchAll(/<Key>(.*?)<\/Key>/g)].map((m) =>
          `<Error><Key>${
            m[1]
          }</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`
        ).join("")
      }</DeleteResult>`,
      { status: 200, headers: { "content-type": "application/xml" } },
    );
  try {
    const client = stack.client();
    await t.step("one refusal is retried and the objects are gone", async () => {
      const file = await uploadJsonl(client, chatLines(3));
      assert.ok((await listObjectKeys(stack, `batchgate/files/${file.id}/`)).length > 0);
      stack.overrideS3(isDelete, refuseEach, 1);
      const deleted = await client.files.delete(file.id);
      assert.equal(deleted.deleted, true);
      assert.deepEqual(await listObjectKeys(stack, `batchgate/files/${file.id}/`), []);
    });
    await t.step("refusals on every attempt answer an error naming S3's code", async () => {
      const file = await uploadJsonl(client, chatLines(3));
      stack.overrideS3(isDelete, refuseEach, 3);
      const error = await client.files.delete(file.id).then(() => null, (e) => e);
      assert.ok(error instanceof OpenAI.APIError, String(error));
      assert.equal(error.status, 502);
      const body = error.error as Record<string, unknown>;
      assert.equal(body.code, "storage_delete_failed");
      assert.match(String(body.message), /AccessDenied/);
      assert.ok((await listObjectKeys(stack, `batchgate/files/${file.id}/`)).length > 0);
    });
  } finally {
    await stack.close();
  }
});

Deno.test("GET /v1/files/{id}/content during an S3 read outage: 503 before the body, later reads retried", async (t) => {
  const stack = await startStack();
  const s3Error = (code: string, status: number) => () =>
    new Response(
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
      { status, headers: { "content-type": "application/xml" } },
    );
  try {
    const client = stack.client();
    // Random text compresses badly: the original's zstd is cut into several objects.
    const random = () => crypto.getRandomValues(new Uint8Array(120)).toHex();
    const text = chatLines(25_000, { text: random });
    const file = await uploadJsonl(client, text);
    const originals = (await listObjectKeys(stack, `batchgate/files/${file.id}/original/`)).sort();
    assert.ok(originals.length >= 2, `objects: ${originals.join(", ")}`);
    const objectGet = (key: string) => (r: { method: string; path: string }) =>
      r.method === "GET" && r.path.endsWith(`/${key}`);
    const content = () =>
      fetch(`${stack.url}/v1/files/${file.id}/content`, {
        headers: { authorization: `Bearer ${STACK_MASTER_KEY}` },
      });

    await t.step(
      "a later object failing for a while is read again; the body is whole",
      async () => {
        // The SDK tries 3 times; the fourth failure reaches Batchgate, which reads it again.
        stack.overrideS3(objectGet(originals[1]!), s3Error("InternalError", 500), 4);
        const res = await content();
        assert.equal(res.status, 200);
        assert.equal(await res.text(), text);
      },
    );

    await t.step(
      "the first object unreadable: an OpenAI error, not a 200 that breaks off",
      async () => {
        stack.overrideS3(objectGet(originals[0]!), s3Error("SlowDown", 503), 8);
        const res = await content();
        const body = await res.json();
        assert.equal(res.status, 503, JSON.stringify(body));
        assert.equal(body.error.code, "storage_unavailable");
        assert.match(body.error.message, new RegExp(file.id));
      },
    );
  } finally {
    await stack.close();
  }
});
