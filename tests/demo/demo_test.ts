import assert from "assert";

const ROOT = new URL("../../", import.meta.url).pathname;
const TERMINAL = ["completed", "failed", "expired", "cancelled"];

/** Collects a child's output stream as text, so the child never blocks on a full pipe. */
class TextPump {
  text = "";
  ended = false;
  readonly done: Promise<void>;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.done = (async () => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) this.text += chunk;
      this.ended = true;
    })();
  }

  /** Resolves with the first match of `pattern`; throws if the stream ends or time runs out. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const match = pattern.exec(this.text);
      if (match) return match;
      if (this.ended || Date.now() > deadline) {
        throw new Error(`Output never matched ${pattern}:\n${this.text}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** The permission and V8 flags of the `demo` task, so the test runs with what users get. */
async function demoTaskFlags(): Promise<string[]> {
  const denoJson = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const flags = String(denoJson.tasks.demo).split(/\s+/)
    .filter((w) => w.startsWith("--allow-") || w.startsWith("--v8-flags="));
  assert.ok(flags.some((f) => f.startsWith("--allow-")), "the demo task names its permissions");
  return flags;
}

async function hasCommand(name: string): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("sh", {
      args: ["-c", `command -v ${name}`],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

async function call(url: string, key: string, init: RequestInit = {}): Promise<unknown> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${key}`);
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  assert.equal(res.status, 200, `${init.method ?? "GET"} ${url}: ${text}`);
  return res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text;
}

function customIds(jsonl: string): string[] {
  return jsonl.trim().split("\n").map((l) => (JSON.parse(l) as { custom_id: string }).custom_id);
}

const curlTools = await Promise.all(["bash", "curl", "jq"].map(hasCommand));

Deno.test("deno task demo runs the printed batch flow and stops cleanly on SIGTERM", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "batchgate-demo-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...await demoTaskFlags(),
      "tools/demo/main.ts",
      "--port",
      "0",
      "--dir",
      dir,
      "--step-ms",
      "150",
    ],
    cwd: ROOT,
    env: { BATCHGATE_LOG_LEVEL: "info" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = new TextPump(child.stdout);
  const stderr = new TextPump(child.stderr);
  let exited = false;
  try {
    const url = (await stdout.waitFor(/^Batchgate: (http:\/\/127\.0\.0\.1:\d+)$/m, 60_000))[1]!;
    const masterKey = (await stdout.waitFor(/^Master key: (sk-demo-\S+)$/m, 5_000))[1]!;
    await stdout.waitFor(/^Logs \(JSON lines\)/m, 5_000);
    const realDir = await Deno.realPath(dir);
    const samplePath = `${realDir}/sample_batch.jsonl`;
    assert.equal((await Deno.readTextFile(`${realDir}/master_key.txt`)).trim(), masterKey);
    assert.ok(
      stdout.text.includes(`-F file=@${samplePath}`),
      "the curl example uploads the sample",
    );

    await t.step("the flow through HTTP: key, upload, batch, poll, output", async () => {
      const keyInfo = await call(`${url}/key/generate`, masterKey, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ models: ["bedrock-batch-claude", "bedrock-batch-nova"] }),
      }) as { key: string };
      const key = keyInfo.key;
      const form = new FormData();
      form.append("purpose", "batch");
      form.append("file", new File([await Deno.readFile(samplePath)], "sample_batch.jsonl"));
      form.append("extra_body", JSON.stringify({ target_model_names: "bedrock-batch-claude" }));
      const file = await call(`${url}/v1/files`, key, { method: "POST", body: form }) as {
        id: string;
        purpose: string;
      };
      assert.equal(file.purpose, "batch");
      let batch = await call(`${url}/v1/batches`, key, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          input_file_id: file.id,
          endpoint: "/v1/chat/completions",
          completion_window: "24h",
        }),
      }) as { id: string; status: string; output_file_id: string | null; request_counts: unknown };
      const deadline = Date.now() + 60_000;
      while (!TERMINAL.includes(batch.status)) {
        assert.ok(Date.now() < deadline, `batch still ${batch.status} after 60 s`);
        await new Promise((r) => setTimeout(r, 200));
        batch = await call(`${url}/v1/batches/${batch.id}`, key) as typeof batch;
      }
      assert.equal(batch.status, "completed");
      assert.deepEqual(batch.request_counts, { total: 120, completed: 120, failed: 0 });
      const output = await call(`${url}/v1/files/${batch.output_file_id}/content`, key) as string;
      const expected = Array.from({ length: 120 }, (_, i) => `request-${i + 1}`);
      assert.deepEqual(customIds(output).sort(), expected.sort());
    });

    await t.step({
      name: "the printed curl block works when pasted into bash",
      ignore: !curlTools.every(Boolean),
      fn: async () => {
        const block = /^BG=[\s\S]*?^head -n 1 batch_output\.jsonl \| jq \.$/m.exec(stdout.text);
        assert.ok(block, "the banner holds the curl block");
        const run = await new Deno.Command("bash", {
          args: ["-c", `set -e\n${block[0]}`],
          cwd: realDir,
          stdout: "piped",
          stderr: "piped",
        }).output();
        const said = new TextDecoder().decode(run.stdout);
        assert.equal(run.code, 0, `${said}\n${new TextDecoder().decode(run.stderr)}`);
        assert.match(said, /: completed\n120 batch_output\.jsonl\n/);
        const output = await Deno.readTextFile(`${realDir}/batch_output.jsonl`);
        assert.equal(customIds(output).length, 120);
      },
    });

    const started = Date.now();
    child.kill("SIGTERM");
    const status = await child.status;
    exited = true;
    assert.equal(status.code, 0, `demo exit code; its log:\n${stderr.text}`);
    assert.ok(Date.now() - started < 5_000, `demo took ${Date.now() - started} ms to stop`);
    assert.match(stderr.text, /"msg":"Demo shutting down","signal":"SIGTERM"/);
  } finally {
    if (!exited) {
      // SIGTERM first: the demo stops its own s3rver child, which SIGKILL would orphan.
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stopped = await Promise.race([
        child.status.then(() => true),
        new Promise<false>((r) => (timer = setTimeout(() => r(false), 10_000))),
      ]);
      clearTimeout(timer);
      if (!stopped) child.kill("SIGKILL");
      await child.status;
    }
    await stdout.done;
    await stderr.done;
    await Deno.remove(dir, { recursive: true });
  }
});
