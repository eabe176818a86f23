/**
 * The hono environment shared by all routes: their dependencies.
 * @module
 */
import type { AwsClients } from "../aws/clients.ts";
import type { Config } from "../config/load.ts";
import type { BackgroundTasks } from "../worker/tasks.ts";
import type { ZstdWorker } from "../storage/zstd_worker.ts";

/** What the app needs from outside; only `main.ts` and tests build it. */
export interface AppDeps {
  config: Config;
  kv: Deno.Kv;
  aws: AwsClients;
  /** Current time in milliseconds; tests may pass a fake clock. */
  now: () => number;
  /** Background work of this process (finalizations a request started). */
  tasks: BackgroundTasks;
  /** Compresses upload originals on a Worker; closed when the app stops. */
  zstd: ZstdWorker;
  /** Identifies this process in KV leases. */
  instanceId: string;
}

/** Hono `Env` of Batchgate's app. */
export interface AppEnv {
  Bindings: {
    deps: AppDeps;
  };
}
