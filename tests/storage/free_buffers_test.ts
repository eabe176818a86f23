import assert from "node:assert/strict";
import type { S3Client } from "@aws-sdk/client-s3";
import { freeBuffers } from "../../src/storage/free_buffers.ts";
import { MultipartUpload } from "../../src/storage/multipart_upload.ts";
import { SegmentedUpload } from "../../src/storage/segmented_upload.ts";
import { writeAll } from "../_helpers/uploads.ts";

Deno.test("freeBuffers detaches each buffer, so every view of it reads as empty", () => {
  const a = new Uint8Array(1024).fill(1);
  const view = a.subarray(10, 20);
  const b = new Uint8Array(16);
  freeBuffers([a, null, undefined, b]);
  assert.equal(a.length, 0);
  assert.equal(view.length, 0);
  assert.equal(b.length, 0);
  assert.equal((a.buffer as ArrayBuffer).detached, true);
});

Deno.test("freeBuffers skips detached and resizable buffers", () => {
  const a = new Uint8Array(8);
  freeBuffers([a]);
  freeBuffers([a]); // already detached: no throw
  const resizable = new Uint8Array(new ArrayBuffer(8, { maxByteLength: 16 }));
  freeBuffers([resizable]);
  assert.equal(resizable.length, 8);
});

/** A stand-in S3 client (unit tests only) that keeps every body it is sent. */
function recordingClient(bodies: Uint8Array[]): S3Client {
  return {
    send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const body = command.input.Body;
      if (body instanceof Uint8Array) bodies.push(body);
      if (command.constructor.name === "CreateMultipartUploadCommand") {
        return Promise.resolve({ UploadId: "u1" });
      }
      return Promise.resolve({ ETag: '"e"' });
    },
  } as unknown as S3Client;
}

Deno.test("uploads free the buffers they sent from once they are done", async () => {
  const data = new Uint8Array(300 * 1024).fill(10);
  for (
    const [name, start] of [
      ["SegmentedUpload", (s3: S3Client) =>
        new SegmentedUpload(s3, { Bucket: "b", Prefix: "p/" }, {
          segmentSize: 64 * 1024,
          firstSegmentSize: 16 * 1024,
          queueSize: 2,
        })],
      [
        "MultipartUpload",
        (s3: S3Client) =>
          new MultipartUpload(s3, { Bucket: "b", Key: "k" }, { partSize: 64 * 1024, queueSize: 2 }),
      ],
    ] as const
  ) {
    const bodies: Uint8Array[] = [];
    const upload = start(recordingClient(bodies));
    await writeAll(upload, data, 10_000);
    assert.ok(bodies.length > 2, `${name}: ${bodies.length} requests`);
    // Every body was a view of a buffer the upload owned; all of them are detached now.
    assert.deepEqual(bodies.map((b) => b.length), bodies.map(() => 0), name);
  }
});
