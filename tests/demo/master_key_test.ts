import assert from "assert";
import { loadOrCreateMasterKey } from "../../tools/demo/master_key.ts";

Deno.test("loadOrCreateMasterKey() makes an sk-demo- key once and reuses it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "batchgate-demo-key-" });
  try {
    const path = `${dir}/master_key.txt`;
    const first = await loadOrCreateMasterKey(path);
    assert.match(first, /^sk-demo-[0-9a-z]{24}$/);
    assert.equal(await loadOrCreateMasterKey(path), first);
    assert.equal((await Deno.stat(path)).mode! & 0o077, 0, "only the owner may read the key");
    const other = await loadOrCreateMasterKey(`${dir}/other_key.txt`);
    assert.notEqual(other, first);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadOrCreateMasterKey() refuses a file that holds no sk- key", async () => {
  const dir = await Deno.makeTempDir({ prefix: "batchgate-demo-key-" });
  try {
    const path = `${dir}/master_key.txt`;
    await Deno.writeTextFile(path, "\n");
    await assert.rejects(() => loadOrCreateMasterKey(path), /does not hold an sk- key/);
    assert.equal(await Deno.readTextFile(path), "\n", "the file is left as it was");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
