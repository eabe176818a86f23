import assert from "assert";
import {
  boundaryOf,
  MultipartError,
  parseMultipart,
  readField,
} from "../../src/ingest/multipart.ts";

/**
 * The form as a stream of tiny chunks, to exercise boundaries split across
 * chunks. A byte stream (what a server's request body is) is read through a
 * BYOB reader into large chunks, a plain stream chunk by chunk.
 */
async function bodyOf(
  form: FormData,
  kind: "plain" | "bytes" = "plain",
): Promise<{ stream: ReadableStream<Uint8Array>; type: string }> {
  const req = new Request("http://x/", { method: "POST", body: form });
  const bytes = new Uint8Array(await req.arrayBuffer());
  let offset = 0;
  const next = () => {
    const size = 1 + (offset % 7);
    const chunk = bytes.slice(offset, offset + size);
    offset += size;
    return chunk;
  };
  const stream = kind === "plain"
    ? new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (offset >= bytes.length) return ctl.close();
        ctl.enqueue(next());
      },
    })
    : new ReadableStream({
      type: "bytes",
      pull(ctl) {
        if (offset >= bytes.length) {
          ctl.close();
          ctl.byobRequest?.respond(0);
          return;
        }
        ctl.enqueue(next());
      },
    });
  return { stream, type: req.headers.get("content-type")! };
}

for (const kind of ["plain", "bytes"] as const) {
  Deno.test(`parseMultipart() streams fields and files split across tiny chunks (${kind} stream)`, async () => {
    const form = new FormData();
    form.append("purpose", "batch");
    // Longer than one 256 KiB read chunk, so parts and delimiters straddle chunks.
    const content = "line one\r\n--not-a-boundary\nline two\r\n" +
      "x".repeat(300_000) + "\r\n-";
    form.append("file", new Blob([content]), "in.jsonl");
    form.append("extra_body", '{"target_model_names":"m"}');
    const { stream, type } = await bodyOf(form, kind);
    const boundary = boundaryOf(type)!;
    const seen: Record<string, string> = {};
    for await (const part of parseMultipart(stream, boundary)) {
      if (part.name === "file") assert.equal(part.filename, "in.jsonl");
      seen[part.name] = await new Response(part.body).text();
    }
    assert.deepEqual(seen, {
      purpose: "batch",
      file: content,
      extra_body: '{"target_model_names":"m"}',
    });
  });
}

Deno.test("parseMultipart() skips parts the consumer does not read", async () => {
  const form = new FormData();
  form.append("ignored", new Blob(["a".repeat(100_000)]), "big.bin");
  form.append("purpose", "batch");
  const { stream, type } = await bodyOf(form);
  const names: string[] = [];
  for await (const part of parseMultipart(stream, boundaryOf(type)!)) {
    names.push(part.name);
    if (part.name === "purpose") assert.equal(await readField(part), "batch");
  }
  assert.deepEqual(names, ["ignored", "purpose"]);
});

Deno.test("parseMultipart() stops reading a body without a boundary early", async () => {
  let served = 0;
  const stream = new ReadableStream({
    type: "bytes",
    pull(ctl) {
      served += 64 * 1024;
      ctl.enqueue(new Uint8Array(64 * 1024).fill(120));
    },
  });
  await assert.rejects(
    async () => {
      for await (const _ of parseMultipart(stream, "b")) { /* no part */ }
    },
    (error: Error) =>
      error instanceof MultipartError && /no boundary in the first/.test(error.message),
  );
  assert.ok(served < 2 * 1024 * 1024, `read ${served} bytes`);
});

Deno.test("parseMultipart() rejects a truncated body", async () => {
  const text = '--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc';
  const stream = new Blob([text]).stream();
  await assert.rejects(async () => {
    for await (const part of parseMultipart(stream, "b")) await new Response(part.body).text();
  }, MultipartError);
});

Deno.test("boundaryOf() reads quoted and bare boundaries and refuses other types", () => {
  assert.equal(boundaryOf('multipart/form-data; boundary="a b"'), "a b");
  assert.equal(boundaryOf("multipart/form-data; boundary=xyz"), "xyz");
  assert.equal(boundaryOf("application/json"), null);
  assert.equal(boundaryOf(undefined), null);
});

Deno.test("parseMultipart() finds delimiters, not their prefixes, at any chunking", async () => {
  const boundary = "----formdata-XyZ-0123456789abcdef";
  const delimiter = `\r\n--${boundary}`;
  // Every proper prefix of the delimiter, each followed by a byte that breaks the match.
  let content = "";
  for (let k = 1; k < delimiter.length; k++) content += delimiter.slice(0, k) + "!" + "x".repeat(k);
  content = content.repeat(200);
  const body = new TextEncoder().encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch` +
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jsonl"\r\n\r\n` +
      content + `\r\n--${boundary}--\r\n`,
  );
  for (const size of [1, 3, 44, 45, 4096, 300_000]) {
    let offset = 0;
    const stream = new ReadableStream({
      type: "bytes",
      pull(ctl) {
        if (offset >= body.length) {
          ctl.close();
          ctl.byobRequest?.respond(0);
          return;
        }
        ctl.enqueue(body.slice(offset, offset += size));
      },
    });
    const seen: Record<string, string> = {};
    for await (const part of parseMultipart(stream, boundary)) {
      seen[part.name] = await new Response(part.body).text();
    }
    assert.deepEqual(seen, { purpose: "batch", file: content }, `chunks of ${size}`);
  }
});
