import assert from "assert";
import { demoBanner, shellQuote } from "../../tools/demo/banner.ts";

const INFO = {
  url: "http://127.0.0.1:4000",
  masterKey: "sk-demo-abc123",
  dir: "/tmp/demo",
  samplePath: "/tmp/demo/sample_batch.jsonl",
  records: 120,
};

Deno.test("demoBanner() starts lines with the URL and master key for scripts to find", () => {
  const text = demoBanner(INFO);
  assert.equal(/^Batchgate: (\S+)$/m.exec(text)?.[1], INFO.url);
  assert.equal(/^Master key: (\S+)$/m.exec(text)?.[1], INFO.masterKey);
  assert.ok(text.includes(`-F file=@${INFO.samplePath}`));
  assert.ok(text.includes(`base_url="${INFO.url}/v1"`), "Python example");
  assert.ok(text.includes(`baseURL: "${INFO.url}/v1"`), "Node example");
});

Deno.test("demoBanner() shell commands hold no # comment lines (zsh runs them as commands)", () => {
  const text = demoBanner(INFO);
  const curlBlock = /^BG=[\s\S]*?^head -n 1/m.exec(text)?.[0];
  assert.ok(curlBlock);
  assert.doesNotMatch(curlBlock, /^\s*#/m);
});

Deno.test("shellQuote() keeps plain paths and quotes others so the shell reads them back", async () => {
  assert.equal(shellQuote("file=@/tmp/demo/x.jsonl"), "file=@/tmp/demo/x.jsonl");
  const awkward = "file=@/tmp/my demo/it's $HOME `x`.jsonl";
  const quoted = shellQuote(awkward);
  assert.notEqual(quoted, awkward);
  const { stdout } = await new Deno.Command("sh", { args: ["-c", `printf %s ${quoted}`] }).output();
  assert.equal(new TextDecoder().decode(stdout), awkward);
});
