/**
 * Starts s3rver in a child process (demo and tests).
 * @module
 */
import { spawnListening } from "./spawn_listening.ts";

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
  const args = ["--dir", options.dir, "--port"];
  args.push(String(options.port ?? 0));
  for (const b of options.buckets) args.push("--bucket", b);
  const { port, stop } = await spawnListening(script, args, "s3rver");
  return { endpoint: `http://127.0.0.1:${port}`, port, stop };
}
