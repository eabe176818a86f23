/**
 * The one dependency container. Entry points (the server, the demo, tests
 * and benchmarks) build it with {@linkcode createDeps}; everything else takes
 * it as a parameter. All per-process state (key cache, ended-batch cache,
 * background tasks) lives here, built per app, never in module globals.
 * @module
 */
import { AwsClients } from "./aws/clients.ts";
import { type Clock, systemClock } from "./clock.ts";
import type { Config } from "./config/load.ts";
import { hashKey } from "./auth/hash.ts";
import { KeyCache } from "./auth/key_cache.ts";
import { randomAlnum } from "./ids.ts";
import { EndedBatches } from "./store/ended_batches.ts";
import type { Store } from "./store/store.ts";
import { BackgroundTasks } from "./tasks.ts";

/** What Batchgate's modules need from outside. */
export interface AppDeps {
  config: Config;
  store: Store;
  aws: AwsClients;
  /** Time and timers; tests pass a manual clock. */
  clock: Clock;
  /** Background work of this process (finalizations a request started). */
  tasks: BackgroundTasks;
  /** Identifies this process in leases. */
  instanceId: string;
  /** SHA-256 of the master key, or null when auth is off. */
  masterKeyHash: string | null;
  /** Resolved virtual keys of this process. */
  keys: KeyCache;
  /** Batches that ended, which never change again. */
  endedBatches: EndedBatches;
}

/** Options of {@linkcode createDeps}. */
export interface CreateDepsOptions {
  config: Config;
  store: Store;
  /** Default: a fresh client factory, closed by {@linkcode closeDeps}. */
  aws?: AwsClients;
  /** Default: {@linkcode systemClock}. */
  clock?: Clock;
  /** Default: random. */
  instanceId?: string;
}

/**
 * Builds the dependencies of one Batchgate instance.
 * @example
 * ```ts ignore
 * const deps = createDeps({ config, store: await openDenoKvStore(":memory:") });
 * const app = createApp(deps);
 * ```
 */
export function createDeps(options: CreateDepsOptions): AppDeps {
  const clock = options.clock ?? systemClock;
  const { config, store } = options;
  return {
    config,
    store,
    aws: options.aws ?? new AwsClients(),
    clock,
    tasks: new BackgroundTasks(),
    instanceId: options.instanceId ?? randomAlnum(12),
    masterKeyHash: config.masterKey ? hashKey(config.masterKey) : null,
    keys: new KeyCache(store, clock),
    endedBatches: new EndedBatches(),
  };
}

/**
 * Waits for background work, then closes the AWS clients and the store.
 * @param options.keepAws leave the AWS clients open (they were passed in and are shared)
 */
export async function closeDeps(deps: AppDeps, options: { keepAws?: boolean } = {}) {
  await deps.tasks.drain();
  if (!options.keepAws) deps.aws.destroy();
  await deps.store.close();
}
