/**
 * An `s3_prefix` that Bedrock's `S3Uri` pattern refuses stops start-up with
 * the config path, instead of letting uploads succeed and every batch fail.
 * @module
 */
import assert from "assert";
import { TEST_CONFIG_YAML } from "../_helpers/app.ts";

const main = new URL("../../main.ts", import.meta.url).pathname;

async function startWithPrefix(prefix: string) {
  const dir = await Deno.makeTempDir();
  try {
    const yaml = TEST_CONFIG_YAML.replace(
      "s3_bucket_name: test-bucket",
      `s3_bucket_name: test-bucket\n      s3_prefix: "${prefix}"`,
    );
    await Deno.writeTextFile(`${dir}/config.yaml`, yaml);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        main,
        "--config",
        `${dir}/config.yaml`,
        "--kv",
        ":memory:",
        "--port",
        "0",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, text: new TextDecoder().decode(out.stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("start-up refuses an s3_prefix Bedrock's S3Uri pattern refuses, naming its path", async (t) => {
  for (const prefix of ["team=ml/", "a b/", "x//", "/lead"]) {
    await t.step(prefix, async () => {
      const { code, text } = await startWithPrefix(prefix);
      assert.equal(code, 1, text);
      assert.match(text, /model_list\[0\]\.litellm_params\.s3_prefix/);
      assert.match(text, /Bedrock batch job's S3 URI/);
    });
  }
});
