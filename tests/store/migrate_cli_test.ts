/**
 * `batchgate migrate` copies a Deno KV deployment into PostgreSQL: a key,
 * its team and its spend made on KV work the same on a server started with
 * `--store` on the copy.
 * @module
 */
import assert from "assert";
import { startBatchgate } from "../../src/server.ts";
import { MASTER_KEY, testConfig, withApp } from "../_helpers/app.ts";
import { POSTGRES_SKIP, startPostgres } from "../_helpers/postgres.ts";

const main = new URL("../../main.ts", import.meta.url).pathname;

async function runCli(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, text };
}

Deno.test({
  name: "batchgate migrate --from-kv … --to postgres://… carries keys and teams over",
  ignore: POSTGRES_SKIP !== null,
  async fn() {
    const pg = await startPostgres();
    const dir = await Deno.makeTempDir();
    try {
      const kvPath = `${dir}/batchgate.kv`;
      let key = "";
      await withApp(async (t) => {
        const team = await t.json("POST", "/team/new", {
          key: MASTER_KEY,
          body: { team_id: "t-moved", models: ["nova"] },
        });
        assert.equal(team.status, 200);
        key = (await t.generateKey({ team_id: "t-moved", key_alias: "moved" })).key;
      }, { kvPath });

      const missing = await runCli(["migrate", "--from-kv", `${dir}/nope.kv`, "--to", pg.url]);
      assert.equal(missing.code, 1);
      assert.match(missing.text, /no Deno KV file/);

      const first = await runCli(["migrate", "--from-kv", kvPath, "--to", pg.url]);
      assert.equal(first.code, 0, first.text);
      assert.match(first.text, /Migrated: \d+ entries read, [1-9]\d* written/);
      const again = await runCli(["migrate", "--from-kv", kvPath, "--to", pg.url]);
      assert.equal(again.code, 0, again.text);
      assert.match(again.text, / 0 written/);

      const running = await startBatchgate({
        config: testConfig(),
        kv: `${dir}/unused.kv`,
        databaseUrl: pg.url,
        port: 0,
        host: "127.0.0.1",
        poll: false,
      });
      try {
        const models = await fetch(`${running.url}/v1/models`, {
          headers: { authorization: `Bearer ${key}` },
        });
        const body = await models.json();
        assert.equal(models.status, 200, JSON.stringify(body));
        assert.deepEqual(body.data.map((m: { id: string }) => m.id), ["nova"]);
        const info = await fetch(`${running.url}/team/info?team_id=t-moved`, {
          headers: { authorization: `Bearer ${MASTER_KEY}` },
        });
        assert.equal(info.status, 200);
      } finally {
        await running.shutdown();
      }
    } finally {
      await pg.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
