import assert from "assert";
import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { startS3rver } from "../../tools/demo/s3rver.ts";
import { AwsClients } from "../../src/aws/clients.ts";
import { MultipartUpload } from "../../src/storage/multipart_upload.ts";
import { writeAll } from "../_helpers/uploads.ts";

const MIB = 1024 * 1024;

function pattern(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

Deno.test("MultipartUpload stores exactly the bytes written, in one or many parts", async (t) => {
  const dir = await Deno.makeTempDir();
  const s3rver = await startS3rver({ dir: `${dir}/s3`, buckets: ["test"] });
  const aws = new AwsClients();
  const s3 = aws.s3({
    region: "us-east-1",
    endpoint: s3rver.endpoint,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  const read = async (key: string) => {
    const res = await s3.send(new GetObjectCommand({ Bucket: "test", Key: key }));
    return new Uint8Array(await res.Body!.transformToByteArray());
  };
  const upload = async (key: string, data: Uint8Array, chunk: number) => {
    const up = new MultipartUpload(s3, { Bucket: "test", Key: key, ContentType: "text/plain" }, {
      partSize: 5 * MIB,
      queueSize: 2,
    });
    await writeAll(up, data, chunk);
  };
  try {
    for (
      const [name, size, chunk] of [
        ["empty", 0, 1],
        ["small", 1000, 7],
        ["exactly one part", 5 * MIB, 64 * 1024],
        ["one part and a byte", 5 * MIB + 1, 100_003],
        ["several parts", 13 * MIB + 12345, 333_333],
      ] as const
    ) {
      await t.step(name, async () => {
        const data = pattern(size, size % 251);
        await upload(`obj-${size}`, data, chunk);
        const stored = await read(`obj-${size}`);
        assert.equal(stored.length, data.length);
        assert.ok(stored.every((b, i) => b === data[i]), "content differs");
        const head = await s3.send(new HeadObjectCommand({ Bucket: "test", Key: `obj-${size}` }));
        assert.equal(head.ContentType, "text/plain");
      });
    }

    await t.step("abort() leaves no object and rejects done", async () => {
      const up = new MultipartUpload(s3, { Bucket: "test", Key: "aborted" }, {
        partSize: 5 * MIB,
        queueSize: 2,
      });
      const writer = up.writable.getWriter();
      await writer.write(pattern(11 * MIB, 1));
      await up.abort();
      await assert.rejects(up.done);
      await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: "test", Key: "aborted" })));
    });

    await t.step("a failing part fails the upload", async () => {
      const up = new MultipartUpload(s3, { Bucket: "no-such-bucket", Key: "k" }, {
        partSize: 5 * MIB,
        queueSize: 2,
      });
      const writer = up.writable.getWriter();
      await assert.rejects(async () => {
        for (let i = 0; i < 4; i++) await writer.write(pattern(5 * MIB, i));
        await writer.close();
      });
      await assert.rejects(up.done);
    });
  } finally {
    aws.destroy();
    await s3rver.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
