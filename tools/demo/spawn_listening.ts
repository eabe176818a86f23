/**
 * Starts a Deno script in a child process that prints `{"port": N}` as its
 * first stdout line once it listens (s3rver for the demo and tests, the
 * benchmarks' hello-world baseline).
 * @module
 */

/** A child process listening on a port. */
export interface ListeningChild {
  port: number;
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Runs `deno run -A --quiet <script> <args>` and resolves with the port it reports.
 * @param what Named in the error when the child exits before listening
 */
export async function spawnListening(
  script: string,
  args: string[],
  what: string,
): Promise<ListeningChild> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", script, ...args],
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  while (!buffered.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`Cannot start ${what}: it exited before listening`);
    buffered += value;
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })().catch(() => {});
  const { port } = JSON.parse(buffered.split("\n")[0]!) as { port: number };
  return { port, stop: () => stopChild(child) };
}

/** Sends SIGTERM to a child (if it still runs) and waits for its exit. */
export async function stopChild(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch { /* already gone */ }
  await child.status;
}

/** What {@linkcode readBatchgateUrl} learned from a Batchgate child's log. */
export interface BatchgateLog {
  /** The URL from the `Batchgate listening` log line. */
  url: string;
  /** The last few KB of the log, for error messages. */
  tail(): string;
}

/**
 * Reads a Batchgate child's stderr (JSON log lines) until it logs that it
 * listens, then keeps draining it so the child never blocks on a full pipe.
 * @throws {Error} with the log so far when the child exits before listening
 */
export async function readBatchgateUrl(stderr: ReadableStream<Uint8Array>): Promise<BatchgateLog> {
  const reader = stderr.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  let url: string | undefined;
  while (url === undefined) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`Batchgate exited before listening:\n${buffered}`);
    buffered += value;
    url = /"msg":"Batchgate listening","url":"(http:\/\/[^"]+)"/.exec(buffered)?.[1];
  }
  (async () => {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered = (buffered + value).slice(-8000);
    }
  })().catch(() => {});
  return { url, tail: () => buffered.slice(-4000) };
}
