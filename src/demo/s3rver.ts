/**
 * Starts s3rver in a child process (demo and tests).
 * @module
 */

/** A running s3rver. */
export interface RunningS3rver {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** Options of {@linkcode startS3rver}. */
export interface StartS3rverOptions {
  /** Folder for the stored objects. */
  dir: string;
  /** Buckets to create. */
  buckets: string[];
  /** Port (default: any free one). */
  port?: number;
}

/** Starts s3rver and resolves once it listens. */
export async function startS3rver(options: StartS3rverOptions): Promise<RunningS3rver> {
  const script = new URL("./s3rver_main.ts", import.meta.url).pathname;
  const args = ["run", "-A", "--quiet", script, "--dir", options.dir, "--port"];
  args.push(String(options.port ?? 0));
  for (const b of options.buckets) args.push("--bucket", b);
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  while (!buffered.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("Cannot start s3rver: it exited before listening");
    buffered += value;
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })().catch(() => {});
  const { port } = JSON.parse(buffered.split("\n")[0]!) as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
    },
  };
}
