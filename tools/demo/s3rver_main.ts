/**
 * Runs the npm `s3rver` S3-compatible server and prints `{"port": N}` once it
 * listens. Used by the demo and the tests through {@linkcode startS3rver}.
 * Arguments: `--dir DIR --port N --bucket NAME [--bucket NAME]`.
 * @module
 */
import { parseArgs } from "node:util";
import S3rver from "s3rver";
import { say } from "../../src/log.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    dir: { type: "string" },
    port: { type: "string", default: "0" },
    bucket: { type: "string", multiple: true, default: [] },
  },
});
if (!values.dir) throw new Error("--dir is required");
await Deno.mkdir(values.dir, { recursive: true });
const server = new S3rver({
  port: Number(values.port),
  address: "127.0.0.1",
  silent: true,
  directory: values.dir,
  configureBuckets: values.bucket.map((name) => ({ name })),
});
const info = await server.run();
say(JSON.stringify({ port: info.port }));
