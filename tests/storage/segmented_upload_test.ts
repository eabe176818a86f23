import assert from "assert";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { startS3rver } from "../../tools/demo/s3rver.ts";
import { AwsClients } from "../../src/aws/clients.ts";
import { SegmentedUpload, segmentKey } from "../../src/storage/segmented_upload.ts";
import { ObjectStore } from "../../src/storage/object_store.ts";
import { writeAll } from "../_helpers/uploads.ts";

const KIB = 1024;
const encoder = new TextEncoder();

/** JSONL of `count` lines; line i is about `sizeOf(i)` bytes. */
function jsonl(count: number, sizeOf: (i: number) => number): Uint8Array {
  let text = "";
  for (let i = 0; i < count; i++) {
    text += JSON.stringify({ recordId: `R${i}`, pad: "x".repeat(sizeOf(i)) }) + "\n";
  }
  return encoder.encode(text);
}

Deno.test("SegmentedUpload stores a JSONL stream as whole-line objects of at most a segment", async (t) => {
  const dir = await Deno.makeTempDir();
  const s3rver = await startS3rver({ dir: `${dir}/s3`, buckets: ["test"] });
  const s3 = new AwsClients().s3({
    region: "us-east-1",
    endpoint: s3rver.endpoint,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  const list = async (prefix: string) => {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: "test", Prefix: prefix }));
    return (res.Contents ?? []).map((o) => o.Key!).sort();
  };
  const read = async (key: string) => {
    const res = await s3.send(new GetObjectCommand({ Bucket: "test", Key: key }));
    return new Uint8Array(await res.Body!.transformToByteArray());
  };
  const upload = async (
    prefix: string,
    data: Uint8Array,
    chunk: number,
    segment: number,
    queueSize = 1,
    firstSegmentSize = segment,
  ) => {
    const up = new SegmentedUpload(s3, {
      Bucket: "test",
      Prefix: prefix,
      ContentType: "application/jsonl",
    }, { segmentSize: segment, queueSize, firstSegmentSize });
    await writeAll(up, data, chunk);
    return up;
  };
  try {
    for (
      const [name, data, chunk, segment, queueSize, first] of [
        ["empty: one empty object", new Uint8Array(0), 1, 64 * KIB],
        ["one small object", jsonl(10, () => 50), 7, 64 * KIB],
        [
          "many objects, chunks across lines",
          jsonl(2000, (i) => 100 + (i % 37) * 20),
          1000,
          64 * KIB,
        ],
        ["chunks larger than a segment", jsonl(3000, () => 300), 200 * KIB, 64 * KIB],
        ["three objects in flight", jsonl(3000, (i) => 200 + (i % 13) * 40), 50_000, 64 * KIB, 3],
        [
          "a line longer than a segment",
          jsonl(30, (i) => i === 12 ? 300 * KIB : 4 * KIB),
          16 * KIB,
          64 * KIB,
        ],
        [
          "ramp: objects from 8 KiB, doubling up to the segment",
          jsonl(3000, (i) => 200 + (i % 13) * 40),
          10_000,
          64 * KIB,
          3,
          8 * KIB,
        ],
        [
          "ramp with a line longer than the first objects",
          jsonl(60, (i) => i === 3 ? 40 * KIB : 2 * KIB),
          16 * KIB,
          64 * KIB,
          1,
          8 * KIB,
        ],
      ] as const
    ) {
      await t.step(name, async () => {
        const prefix = `${name.split(":")[0]!.replaceAll(" ", "-")}/`;
        const up = await upload(prefix, data, chunk, segment, queueSize, first);
        const keys = await list(prefix);
        assert.deepEqual(keys, up.keys);
        assert.deepEqual(keys, keys.map((_, i) => segmentKey(prefix, i)));
        const parts = await Promise.all(keys.map(read));
        const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        const longestLine = Math.max(
          ...new TextDecoder().decode(data).split("\n").map((line) => line.length + 1),
        );
        let at = 0;
        for (const [i, part] of parts.entries()) {
          joined.set(part, at);
          at += part.length;
          if (data.length === 0) continue;
          assert.equal(part.at(-1), 10, "each object ends at a line end");
          // Only an object holding a single long line may exceed its size.
          const size = Math.min((first ?? segment) * 2 ** i, segment);
          const lines = new TextDecoder().decode(part).split("\n").filter(Boolean);
          assert.ok(part.length <= size || lines.length === 1, `object ${i}: ${part.length} bytes`);
          // Objects are cut as late as their size allows: less than a line short of it.
          if (i < parts.length - 1 && lines.length > 1) {
            assert.ok(part.length > size - longestLine, `object ${i}: ${part.length} bytes`);
          }
        }
        assert.deepEqual(joined, data);
        if (data.length > segment) assert.ok(keys.length > 1);
      });
    }

    await t.step(
      "without wholeLines: cut at the segment size; ObjectStore.read joins the folder",
      async () => {
        const data = new Uint8Array(300 * KIB + 17).map((_, i) => (i * 7 + 3) & 0xff);
        const up = new SegmentedUpload(s3, { Bucket: "test", Prefix: "bytes/" }, {
          segmentSize: 64 * KIB,
          wholeLines: false,
          suffix: ".bin",
        });
        const writer = up.writable.getWriter();
        for (let i = 0; i < data.length; i += 10_000) await writer.write(data.slice(i, i + 10_000));
        await writer.close();
        await up.done;
        const keys = await list("bytes/");
        assert.deepEqual(keys, [1, 2, 3, 4, 5].map((n) => `bytes/0000${n}.bin`));
        assert.deepEqual((await Promise.all(keys.map(read))).map((b) => b.length), [
          ...Array(4).fill(64 * KIB),
          44 * KIB + 17,
        ]);
        const store = new ObjectStore(s3);
        const joined = await new Response(await store.read({ bucket: "test", key: "bytes/" }))
          .bytes();
        assert.deepEqual(joined, data);
        assert.equal(await store.read({ bucket: "test", key: "nothing-here/" }), null);
        await store.delete("test", ["bytes/"]);
        assert.deepEqual(await list("bytes/"), []);
      },
    );

    await t.step("without wholeLines, a ramp cuts at 16, 32, then 64 KiB", async () => {
      const data = new Uint8Array(300 * KIB + 17).map((_, i) => (i * 5 + 1) & 0xff);
      const up = new SegmentedUpload(s3, { Bucket: "test", Prefix: "ramp-bytes/" }, {
        segmentSize: 64 * KIB,
        firstSegmentSize: 16 * KIB,
        wholeLines: false,
        suffix: ".bin",
      });
      await writeAll(up, data, 5_000);
      const keys = await list("ramp-bytes/");
      assert.deepEqual((await Promise.all(keys.map(read))).map((b) => b.length), [
        16 * KIB,
        32 * KIB,
        64 * KIB,
        64 * KIB,
        64 * KIB,
        60 * KIB + 17,
      ]);
      const joined = await new Response(
        await new ObjectStore(s3).read({ bucket: "test", key: "ramp-bytes/" }),
      ).bytes();
      assert.deepEqual(joined, data);
    });

    await t.step("abort deletes the objects already stored", async () => {
      const up = new SegmentedUpload(s3, { Bucket: "test", Prefix: "aborted/" }, {
        segmentSize: 64 * KIB,
      });
      const writer = up.writable.getWriter();
      await writer.write(jsonl(1000, () => 300));
      writer.releaseLock();
      assert.ok(up.keys.length >= 2);
      await up.abort();
      await assert.rejects(up.done, /aborted/);
      assert.deepEqual(await list("aborted/"), []);
    });

    await t.step("a failed PUT rejects the upload", async () => {
      const up = new SegmentedUpload(s3, { Bucket: "no-such-bucket", Prefix: "x/" }, {
        segmentSize: 64 * KIB,
      });
      const writer = up.writable.getWriter();
      const writing = (async () => {
        for (let i = 0; i < 10; i++) await writer.write(jsonl(500, () => 300));
        await writer.close();
      })();
      await assert.rejects(writing);
      await assert.rejects(up.done, /bucket/i);
    });
  } finally {
    await s3rver.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
