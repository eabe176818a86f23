import assert from "assert";
import { startS3rver } from "../../tools/demo/s3rver.ts";
import { AwsClients } from "../../src/aws/clients.ts";
import { createHash } from "node:crypto";
import { loopbackStore } from "../_helpers/uploads.ts";
import { crc32Base64 } from "../../src/storage/segmented_upload.ts";

Deno.test("ObjectStore reads, writes, lists and deletes objects through the SDK's default transport", async () => {
  const dir = await Deno.makeTempDir();
  const s3rver = await startS3rver({ dir: `${dir}/s3`, buckets: ["test"] });
  const aws = new AwsClients();
  try {
    const store = loopbackStore(aws, s3rver.endpoint);
    const text = "é".repeat(300_000) + "\n";
    await store.put({ bucket: "test", key: "a.txt" }, text, "text/plain");
    const stream = await store.read({ bucket: "test", key: "a.txt" });
    assert.ok(stream);
    assert.equal(await new Response(stream).text(), text);
    assert.equal(await store.read({ bucket: "test", key: "missing.txt" }), null);
    assert.equal(await store.readText({ bucket: "test", key: "a.txt" }), text);
    const listed = (await Array.fromAsync(store.list("test", ""))).map(({ key, size }) => ({
      key,
      size,
    }));
    assert.deepEqual(listed, [{ key: "a.txt", size: new TextEncoder().encode(text).length }]);
    await store.delete("test", ["a.txt", "missing.txt"]);
    assert.deepEqual(await Array.fromAsync(store.list("test", "")), []);
  } finally {
    aws.destroy();
    await s3rver.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ObjectStore retries a read whose connection drops before the response, as over node:http", async () => {
  let connections = 0;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    for await (const conn of listener) {
      connections++;
      if (connections === 1) {
        conn.close();
        continue;
      }
      await conn.read(new Uint8Array(64 * 1024));
      await conn.write(
        new TextEncoder().encode(
          "HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello",
        ),
      );
      conn.close();
    }
  })();
  const aws = new AwsClients();
  try {
    const store = loopbackStore(aws, `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`);
    assert.equal(await store.readText({ bucket: "test", key: "a.txt" }), "hello");
    assert.equal(connections, 2);
  } finally {
    aws.destroy();
    listener.close();
    await serving.catch(() => {});
  }
});

Deno.test("ObjectStore uploads send their bodies at once, without waiting for 100 Continue", async () => {
  // Each part of an ingest upload waited a round trip through both event loops for
  // "100 Continue" before its first byte went out (bench/RESULTS.md).
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const bytes = (await req.bytes()).length;
    seen.push(`${req.method} ${url.search || "-"} ${bytes} expect=${req.headers.get("expect")}`);
    const xml = (body: string) =>
      new Response(`<?xml version="1.0" encoding="UTF-8"?>${body}`, {
        headers: { "content-type": "application/xml" },
      });
    if (url.searchParams.has("uploads")) {
      return xml(
        "<InitiateMultipartUploadResult><Bucket>test</Bucket><Key>big.jsonl</Key>" +
          "<UploadId>u1</UploadId></InitiateMultipartUploadResult>",
      );
    }
    if (url.searchParams.has("partNumber")) {
      return new Response(null, { headers: { etag: `"p${url.searchParams.get("partNumber")}"` } });
    }
    if (url.searchParams.has("uploadId")) {
      return xml('<CompleteMultipartUploadResult><ETag>"x"</ETag></CompleteMultipartUploadResult>');
    }
    return new Response(null, { headers: { etag: '"o"' } });
  });
  const aws = new AwsClients();
  try {
    const store = loopbackStore(aws, `http://127.0.0.1:${server.addr.port}`);
    await store.put({ bucket: "test", key: "one.json" }, new Uint8Array(3 * 1024 * 1024));
    const upload = store.startUpload({ bucket: "test", key: "big.jsonl" });
    const writer = upload.writable.getWriter();
    await writer.write(new Uint8Array(12 * 1024 * 1024));
    await writer.close();
    await upload.done;
    // The two parts are in flight together, so either may arrive first.
    const complete = seen.find((r) => r.startsWith("POST ?uploadId=u1 "));
    assert.ok(complete, seen.join("\n"));
    assert.deepEqual(
      seen.toSorted(),
      [
        "PUT ?x-id=PutObject 3145728 expect=null",
        "POST ?uploads= 0 expect=null",
        "PUT ?partNumber=1&uploadId=u1&x-id=UploadPart 8388608 expect=null",
        "PUT ?partNumber=2&uploadId=u1&x-id=UploadPart 4194304 expect=null",
        `POST ?uploadId=u1 ${complete.split(" ")[2]} expect=null`,
      ].toSorted(),
    );
    assert.equal(seen.at(-1), complete);
  } finally {
    aws.destroy();
    await server.shutdown();
  }
});

Deno.test("segmented uploads send each object's CRC32; every body is signed with its SHA-256", async () => {
  assert.equal(crc32Base64(new TextEncoder().encode("hello world\n")), "rwg7LQ==");
  const seen: { url: string; headers: Headers; body: Uint8Array }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    seen.push({
      url: req.url,
      headers: req.headers,
      body: new Uint8Array(await req.arrayBuffer()),
    });
    return new Response(null, { headers: { etag: '"o"' } });
  });
  const aws = new AwsClients();
  try {
    const store = loopbackStore(aws, `http://127.0.0.1:${server.addr.port}`);
    const upload = store.startSegmentedUpload({ bucket: "test", key: "folder/" });
    const writer = upload.writable.getWriter();
    const line = new TextEncoder().encode(`{"recordId":"R1","pad":"${"x".repeat(1000)}"}\n`);
    for (let i = 0; i < 10_000; i++) await writer.write(line);
    await writer.close();
    await upload.done;
    await store.put({ bucket: "test", key: "plain.json" }, "{}");

    const puts = seen.filter((r) => r.url.includes("/folder/"));
    assert.equal(puts.length, 2);
    for (const { headers, body } of puts) {
      assert.equal(
        headers.get("x-amz-content-sha256"),
        createHash("sha256").update(body).digest("hex"),
      );
      assert.equal(headers.get("x-amz-checksum-crc32"), crc32Base64(body));
      const signed = /SignedHeaders=([^,]+)/.exec(headers.get("authorization") ?? "")![1]!;
      assert.ok(signed.split(";").includes("x-amz-checksum-crc32"), signed);
      assert.ok(signed.split(";").includes("x-amz-content-sha256"), signed);
    }
    const plain = seen.find((r) => r.url.includes("/plain.json"))!;
    assert.equal(plain.headers.get("x-amz-checksum-crc32"), null);
    assert.equal(
      plain.headers.get("x-amz-content-sha256"),
      createHash("sha256").update(plain.body).digest("hex"),
    );
  } finally {
    aws.destroy();
    await server.shutdown();
  }
});
