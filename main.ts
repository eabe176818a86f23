/**
 * Batchgate command line: `deno task start --config config.yaml`.
 * @module
 */
import { parseArgs } from "node:util";
import { migrateCommand } from "./src/cli/migrate.ts";
import { ConfigError, loadConfig } from "./src/config/load.ts";
import { DEFAULT_KV_PATH, startBatchgate } from "./src/server.ts";
import { log, say, setLogLevel } from "./src/log.ts";
import { VERSION } from "./src/version.ts";

const USAGE = `Batchgate ${VERSION}: OpenAI Files and Batches API on Amazon Bedrock batch inference

Usage: batchgate [serve] [--config PATH] [--port 4000] [--host HOST] [--kv PATH_OR_URL] [--store URL]

       batchgate migrate --from-kv PATH --to postgres://…   (see batchgate migrate --help)

Options:
  --config PATH   LiteLLM-format config file (default ./config.yaml)
  --port N        port to listen on (default 4000, or PORT)
  --host HOST     bind address (default 0.0.0.0 with a master key, else 127.0.0.1)
  --kv PATH|URL   Deno KV file, :memory:, or KV Connect URL (default general_settings.kv_path,
                  BATCHGATE_KV, or ${DEFAULT_KV_PATH}); remote KV reads DENO_KV_ACCESS_TOKEN
  --store URL     PostgreSQL URL (postgres://…) for state shared by several instances
                  (default general_settings.database_url, or DATABASE_URL); wins over --kv
  --help          show this help
  --version       print the version`;

async function main(args: string[]): Promise<number> {
  if (args[0] === "migrate") return await migrateCommand(args.slice(1));
  if (args[0] === "serve") args = args.slice(1);
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        config: { type: "string", default: "./config.yaml" },
        port: { type: "string" },
        host: { type: "string" },
        kv: { type: "string" },
        store: { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
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
  if (values.version) {
    say(`batchgate ${VERSION}`);
    return 0;
  }
  const level = Deno.env.get("BATCHGATE_LOG_LEVEL");
  if (level === "debug" || level === "info" || level === "warn" || level === "error") {
    setLogLevel(level);
  }
  const portText = values.port ?? Deno.env.get("PORT") ?? "4000";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    say(`Cannot start: --port must be a whole number from 0 to 65535, got '${portText}'`);
    return 2;
  }
  let config;
  try {
    config = await loadConfig(values.config);
  } catch (error) {
    if (error instanceof ConfigError) {
      log.error(`Cannot start: ${error.message}`, { config: values.config });
      return 1;
    }
    throw error;
  }
  const kvPath = values.kv ?? config.general.kv_path ?? Deno.env.get("BATCHGATE_KV") ??
    DEFAULT_KV_PATH;
  const databaseUrl = values.store ?? config.general.database_url ?? Deno.env.get("DATABASE_URL");
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    say(`Cannot start: --store must be a postgres:// or postgresql:// URL`);
    return 2;
  }
  const running = await startBatchgate({
    config,
    kv: kvPath,
    databaseUrl,
    port,
    ...(values.host ? { host: values.host } : {}),
  });
  const { promise: stop, resolve } = Promise.withResolvers<string>();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => resolve(signal));
  }
  const signal = await stop;
  log.info("Shutting down", { signal });
  await running.shutdown();
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
