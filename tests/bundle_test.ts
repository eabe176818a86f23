import assert from "assert";
import { VERSION } from "../src/version.ts";
import { readBatchgateUrl } from "../tools/demo/spawn_listening.ts";
import denoConfig from "../deno.json" with { type: "json" };

Deno.test("the start, demo and compile tasks run with V8's default flags", () => {
  const { start, demo, compile } = denoConfig.tasks;
  for (const task of [start, demo, compile]) assert.doesNotMatch(task, /--v8-flags/);
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
      args: [
        "run",
        "-A",
        "--unstable-kv",
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
