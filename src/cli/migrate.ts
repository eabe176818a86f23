/**
 * `batchgate migrate --from-kv PATH --to postgres://…`: copies a
 * single-instance deployment's state (keys, users, teams, files, batches,
 * spend) from its Deno KV file into PostgreSQL, then verifies the copy.
 * Leases are not copied: they belong to the processes that held them.
 * @module
 */
import { parseArgs } from "node:util";
import { batchLeaseKey } from "../store/keys.ts";
import { migrate } from "../store/migrate.ts";
import { openStore } from "../store/open_store.ts";
import { say } from "../log.ts";

const USAGE = `Usage: batchgate migrate --from-kv PATH --to postgres://USER:PASSWORD@HOST:PORT/DB

Copies Batchgate's state from a Deno KV file into PostgreSQL and verifies the counts.
Stop the instance that uses the KV file first. Running it again is safe.

Options:
  --from-kv PATH   the Deno KV file (general_settings.kv_path, default ./data/batchgate.kv)
  --to URL         the PostgreSQL URL (as for --store)
  --schema NAME    the schema of Batchgate's tables (default batchgate)`;

/** Runs the command; returns the exit code. */
export async function migrateCommand(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        "from-kv": { type: "string" },
        to: { type: "string" },
        schema: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    say(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    say(USAGE);
    return 0;
  }
  const from = values["from-kv"];
  const to = values.to;
  if (!from || !to) {
    say(`Cannot migrate: --from-kv and --to are both required\n\n${USAGE}`);
    return 2;
  }
  if (!/^postgres(ql)?:\/\//.test(to)) {
    say("Cannot migrate: --to must be a postgres:// or postgresql:// URL");
    return 2;
  }
  // Deno KV would create a missing file and copy nothing; a typo must not look like success.
  if (!(await Deno.stat(from).then((s) => s.isFile, () => false))) {
    say(`Cannot migrate: no Deno KV file at '${from}'`);
    return 1;
  }
  const source = await openStore({ path: from });
  try {
    const target = await openStore({ url: to, schema: values.schema });
    try {
      const report = await migrate(source, target, {
        exclude: [batchLeaseKey("").slice(0, 1)],
        onProgress: (r) => say(`copied ${r.written}, unchanged ${r.unchanged} of ${r.read} read`),
      });
      say(
        `Migrated: ${report.read} entries read, ${report.written} written, ${report.unchanged} ` +
          `already there, ${report.excluded} leases skipped, ${report.verified} verified`,
      );
      return 0;
    } finally {
      await target.close();
    }
  } catch (error) {
    say(`Cannot migrate: ${(error as Error).message}`);
    return 1;
  } finally {
    await source.close();
  }
}
