import assert from "assert";
import { VERSION } from "../src/version.ts";
import { readBatchgateUrl, START_TASK_V8_FLAGS } from "../tools/demo/spawn_listening.ts";
import denoConfig from "../deno.json" with { type: "json" };

Deno.test("the start, demo and compile tasks run with the same V8 flags: gc() exposed, no incremental marking", () => {
  const flags = (task: string) => task.match(/--v8-flags=\S+/g) ?? [];
  // START_TASK_V8_FLAGS is read from the start task; the other two must match it.
  const { demo, compile } = denoConfig.tasks;
  assert.deepEqual(flags(demo), START_TASK_V8_FLAGS);
  assert.deepEqual(flags(compile), START_TASK_V8_FLAGS);
  // Uploads pace V8's major GC with it (src/storage/paced_gc.ts).
  assert.ok(START_TASK_V8_FLAGS.some((f) => f.split(/[=,]/).includes("--expose-gc")));
  // Incremental marking let the old space jump by 15-33 MB during uploads (bench/RESULTS.md).
  assert.ok(START_TASK_V8_FLAGS.some((f) => f.split(/[=,]/).includes("--no-incremental-marking")));
});

// `deno compile` needs a runtime download these machines cannot make; a
// bundle is the nearest check that the program packs into one file and runs
// without reading its own sources.
Deno.test("main.ts bundles into one file that starts and answers readiness", async () => {
  const dir = await Deno.makeTempDir({ prefix: "batchgate-bundle-" });
  try {
    const out = `${dir}/batchgate.js`;
    const bundle = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform=deno",
        "-o",
        out,
        new URL("../main.ts", import.meta.url).pathname,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(bundle.code, 0, new TextDecoder().decode(bundle.stderr));
    await Deno.writeTextFile(
      `${dir}/config.yaml`,
      "model_list: []\ngeneral_settings:\n  master_key: sk-bundle\n",
    );
    const version = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--unstable-kv", out, "--version"],
      cwd: dir,
      stdout: "piped",
    }).output();
    assert.equal(new TextDecoder().decode(version.stdout).trim(), `batchgate ${VERSION}`);

    const server = new Deno.Command(Deno.execPath(), {
      // As the compiled binary runs it, with the compile task's V8 flags (tested above to be these).
      args: [
        "run",
        "-A",
        "--unstable-kv",
        ...START_TASK_V8_FLAGS,
        out,
        "--port",
        "0",
        "--kv",
        ":memory:",
        "--host",
        "127.0.0.1",
      ],
      cwd: dir,
      stdout: "null",
      stderr: "piped",
    }).spawn();
    try {
      const { url } = await readBatchgateUrl(server.stderr);
      const res = await fetch(`${url}/health/readiness`);
      assert.equal(res.status, 200);
      assert.equal((await res.json()).status, "healthy");
      server.kill("SIGTERM");
      assert.equal((await server.status).code, 0, "clean shutdown on SIGTERM");
    } finally {
      try {
        server.kill("SIGKILL");
      } catch { /* exited */ }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
