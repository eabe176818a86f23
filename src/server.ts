/**
 * Starts a whole Batchgate instance: the store, the dependencies, the HTTP
 * server and the background poller. `main.ts`, the demo and end-to-end tests
 * use it.
 * @module
 */
import type { Config } from "./config/load.ts";
import { createApp } from "./api/app.ts";
import { closeDeps, createDeps } from "./deps.ts";
import { openStore } from "./store/open_store.ts";
import { log } from "./log.ts";
import { familyOf } from "./bedrock/translators.ts";
import { Poller } from "./worker/poller.ts";

/** Options of {@linkcode startBatchgate}. */
export interface StartOptions {
  config: Config;
  /** KV path, `:memory:` or KV Connect URL. */
  kv: string;
  /** A PostgreSQL URL: when set, the store is PostgreSQL and `kv` is not used. */
  databaseUrl?: string | undefined;
  port: number;
  /** Bind address; defaults to 127.0.0.1 without a master key, else 0.0.0.0. */
  host?: string;
  /** Starts the background poller (default true). */
  poll?: boolean;
}

/** A running instance. */
export interface RunningBatchgate {
  url: string;
  port: number;
  /** Stops accepting requests, finishes in-flight ones, stops the poller, closes the store. */
  shutdown(): Promise<void>;
}

/** The default local KV file. */
export const DEFAULT_KV_PATH = "./data/batchgate.kv";

/** Starts Batchgate and resolves once it listens. */
export async function startBatchgate(options: StartOptions): Promise<RunningBatchgate> {
  const { config } = options;
  for (const d of config.deployments) {
    if (!familyOf(d.modelId)) {
      log.warn("Model has an unknown request format: uploads for it will be refused", {
        modelGroup: d.modelGroup,
        modelId: d.modelId,
      });
    }
  }
  const store = await openStore({
    url: options.databaseUrl,
    path: options.kv,
    schema: config.general.database_schema,
    poolSize: config.general.database_connection_pool_limit,
  });
  const deps = createDeps({ config, store });
  const app = createApp(deps);
  const host = options.host ?? (config.masterKey ? "0.0.0.0" : "127.0.0.1");
  if (!config.masterKey && host === "127.0.0.1") {
    log.warn("No master_key is set: auth is off, so binding to 127.0.0.1 only", {});
  }
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port: options.port,
    hostname: host,
    onListen: (addr) => resolve(addr as Deno.NetAddr),
  }, app.fetch);
  const addr = await listening;
  const shownHost = host === "0.0.0.0" ? "127.0.0.1" : host;
  const url = `http://${shownHost}:${addr.port}`;
  const poller = options.poll === false ? null : new Poller(deps);
  poller?.start();
  log.info("Batchgate listening", { url, host, model_groups: [...config.modelGroups.keys()] });
  let stopped = false;
  return {
    url,
    port: addr.port,
    async shutdown() {
      if (stopped) return;
      stopped = true;
      await server.shutdown();
      await poller?.stop();
      await closeDeps(deps);
    },
  };
}
