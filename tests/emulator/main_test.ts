import assert from "assert";

const MAIN = new URL("../../tools/emulator/main.ts", import.meta.url).pathname;

Deno.test("emulator CLI logs its URL, serves health and exits 0 on SIGTERM", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--port", "0", "--s3-endpoint", "http://127.0.0.1:9"],
    stdout: "null",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const line = JSON.parse(text.split("\n")[0]!);
    assert.equal(line.msg, "Bedrock emulator listening");
    assert.match(line.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${line.url}/_emulator/health`);
    assert.equal((await health.json()).status, "ok");
  } finally {
    child.kill("SIGTERM");
    const status = await child.status;
    while (!(await reader.read()).done) { /* drain */ }
    assert.equal(status.code, 0);
  }
});

Deno.test("emulator CLI exits 2 with usage when --s3-endpoint is missing", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--port", "0"],
    stdin: "null",
  }).output();
  assert.equal(out.code, 2);
  assert.match(new TextDecoder().decode(out.stdout), /--s3-endpoint is required/);
});
