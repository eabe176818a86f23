/**
 * A throwaway PostgreSQL server for tests: `initdb` into a temp dir (as the
 * `postgres` user when running as root, since the server refuses to run as
 * root), listening on a free port on 127.0.0.1, removed by `stop()`. No test
 * touches a system cluster.
 *
 * The binaries come from Debian's `postgresql` package
 * (`/usr/lib/postgresql/<version>/bin`); when they are missing and we are
 * root, `apt-get install postgresql` is tried once. {@linkcode POSTGRES_SKIP}
 * holds the reason when PostgreSQL still cannot be had, for `ignore:`.
 * @module
 */
import { log } from "../../src/log.ts";

/** The superuser's password in every throwaway server. */
const PASSWORD = "batchgate-test";

async function run(
  cmd: string,
  args: string[],
  options: { asPostgres?: boolean; check?: boolean } = {},
): Promise<{ code: number; output: string }> {
  const asPostgres = options.asPostgres && Deno.uid() === 0;
  const command = asPostgres
    ? new Deno.Command("runuser", { args: ["-u", "postgres", "--", cmd, ...args] })
    : new Deno.Command(cmd, { args });
  const out = await command.output();
  const output = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if ((options.check ?? true) && out.code !== 0) {
    throw new Error(`Cannot run ${cmd}: exit ${out.code}: ${output.trim()}`);
  }
  return { code: out.code, output };
}

async function findBinDir(): Promise<string | null> {
  try {
    const versions: number[] = [];
    for await (const entry of Deno.readDir("/usr/lib/postgresql")) {
      const version = Number(entry.name);
      if (Number.isInteger(version)) versions.push(version);
    }
    // 15 is what the issue names; any newer one will do on other machines.
    versions.sort((a, b) => (a === 15 ? -1 : b === 15 ? 1 : b - a));
    for (const version of versions) {
      const dir = `/usr/lib/postgresql/${version}/bin`;
      if (await Deno.stat(`${dir}/initdb`).then(() => true, () => false)) return dir;
    }
  } catch {
    // no /usr/lib/postgresql: not installed
  }
  return null;
}

async function installPostgres(): Promise<string | null> {
  if (Deno.uid() !== 0) return null;
  try {
    log.warn("PostgreSQL is not installed: trying apt-get install postgresql");
    const env = { DEBIAN_FRONTEND: "noninteractive" };
    await new Deno.Command("apt-get", { args: ["update", "-qq"], env }).output();
    const out = await new Deno.Command("apt-get", {
      args: ["install", "-y", "-qq", "--no-install-recommends", "postgresql"],
      env,
    }).output();
    if (out.code !== 0) return null;
  } catch {
    return null;
  }
  return await findBinDir();
}

const binDir = (await findBinDir()) ?? (await installPostgres());

/** Why PostgreSQL tests cannot run here, or null when they can. */
export const POSTGRES_SKIP: string | null = binDir
  ? null
  : "PostgreSQL tests skipped: no initdb under /usr/lib/postgresql/*/bin and apt-get install postgresql failed";
if (POSTGRES_SKIP) log.warn(POSTGRES_SKIP);

/** A running throwaway server. */
export interface TestPostgres {
  /** `postgres://postgres:…@127.0.0.1:PORT/postgres` */
  url: string;
  port: number;
  /** Stops the server (fast: clients see their connections end) and keeps its data. */
  down(): Promise<void>;
  /** Starts it again after {@linkcode TestPostgres.down}, on the same port. */
  up(): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Options of {@linkcode startPostgres}. */
export interface StartPostgresOptions {
  /**
   * Keep fsync and synchronous commit on, as a production server has them (for benchmarks);
   * tests leave them off, which is faster and loses nothing a test needs.
   */
  durable?: boolean;
}

/**
 * Starts a PostgreSQL server in a new temp dir.
 * @throws {Error} when PostgreSQL is missing (check {@linkcode POSTGRES_SKIP} first)
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  if (!binDir) throw new Error(POSTGRES_SKIP ?? "Cannot start PostgreSQL: not installed");
  const dir = await Deno.makeTempDir({ prefix: "batchgate-pg-" });
  const data = `${dir}/data`;
  const sock = `${dir}/sock`;
  await Deno.mkdir(sock);
  const pwfile = `${dir}/pw`;
  await Deno.writeTextFile(pwfile, PASSWORD);
  if (Deno.uid() === 0) await run("chown", ["-R", "postgres:postgres", dir]);
  const asPostgres = { asPostgres: true };
  await run(`${binDir}/initdb`, [
    "-D",
    data,
    "-U",
    "postgres",
    `--pwfile=${pwfile}`,
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
    "-E",
    "UTF8",
    "--locale=C",
    "--no-sync",
  ], asPostgres);
  const port = freePort();
  await Deno.writeTextFile(
    `${data}/postgresql.conf`,
    [
      "listen_addresses = '127.0.0.1'",
      `port = ${port}`,
      `unix_socket_directories = '${sock}'`,
      ...(options.durable
        ? []
        : ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]),
      "max_connections = 100",
      "shared_buffers = 32MB",
      "",
    ].join("\n"),
    { append: true },
  );
  const up = () =>
    run(`${binDir}/pg_ctl`, ["-D", data, "-l", `${dir}/log`, "-w", "-t", "30", "start"], asPostgres)
      .then(() => {});
  const down = () =>
    run(`${binDir}/pg_ctl`, ["-D", data, "-m", "fast", "-w", "stop"], {
      ...asPostgres,
      check: false,
    }).then(() => {});
  await up();
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    down,
    up,
    async stop() {
      await down();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
