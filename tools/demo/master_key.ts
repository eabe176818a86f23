/**
 * The demo's master key: made once and kept in the demo folder, so a restart
 * prints (and accepts) the same key.
 * @module
 */
import { randomAlnum } from "../../src/ids.ts";

/**
 * Reads the master key stored at `path`, or makes a new `sk-demo-…` key and
 * stores it there (readable by the owner only).
 * @param path file that holds the key, e.g. `.demo/master_key.txt`
 * @returns the key
 * @throws {Error} when the file exists but holds no `sk-` key
 */
export async function loadOrCreateMasterKey(path: string): Promise<string> {
  let text: string | undefined;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (text !== undefined) {
    const key = text.trim();
    if (!/^sk-\S+$/.test(key)) {
      throw new Error(
        `Cannot read master key: ${path} does not hold an sk- key, delete it to make a new one`,
      );
    }
    return key;
  }
  // 24 base32 characters: 120 random bits.
  const key = `sk-demo-${randomAlnum(24)}`;
  await Deno.writeTextFile(path, key + "\n", { mode: 0o600, createNew: true });
  return key;
}
