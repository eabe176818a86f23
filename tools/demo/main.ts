/**
 * `deno task demo`: Batchgate with no AWS account. Starts s3rver, the Bedrock
 * emulator and Batchgate on 127.0.0.1, then prints a master key and examples
 * that run a whole batch.
 * @module
 */
import { parseArgs } from "node:util";
import { log, say, setLogLevel } from "../../src/log.ts";
import { demoBanner } from "./banner.ts";
import { SAMPLE_RECORDS } from "./sample_batch.ts";
import { startDemo } from "./start_demo.ts";

const USAGE =
  `Batchgate demo: the OpenAI Files and Batches API on an emulated Bedrock, no AWS needed

Usage: deno task demo [options]

Options:
  --port N       Batchgate's port (default 4000; 0 = any free port)
  --dir DIR      folder for all demo data: S3 objects, KV, config, master key, sample
                 (default .demo; delete it to start over)
  --step-ms MS   how long each emulated Bedrock job state lasts (default 2000: a
                 120-record batch completes in about 10 seconds)
  --help         show this help

Everything listens on 127.0.0.1 only. Set BATCHGATE_LOG_LEVEL=warn for quieter logs.`;

function wholeNumber(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new Error(`--${name} must be a whole number from ${min} to ${max}, got '${text}'`);
  }
  return n;
}

async function main(args: string[]): Promise<number> {
  let options;
  try {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: "string", default: "4000" },
        dir: { type: "string", default: ".demo" },
        "step-ms": { type: "string", default: "2000" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    });
    if (values.help) {
      say(USAGE);
      return 0;
    }
    if (values.dir === "") throw new Error("--dir must name a folder");
    options = {
      port: wholeNumber("port", values.port, 0, 65535),
      dir: values.dir,
      stepMs: wholeNumber("step-ms", values["step-ms"], 1, 3_600_000),
    };
  } catch (error) {
    say(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const level = Deno.env.get("BATCHGATE_LOG_LEVEL");
  if (level === "debug" || level === "info" || level === "warn" || level === "error") {
    setLogLevel(level);
  }

  let demo;
  try {
    demo = await startDemo(options);
  } catch (error) {
    const hint = error instanceof Deno.errors.AddrInUse
      ? `: port ${options.port} is in use, pass --port with another one (0 = any)`
      : `: ${(error as Error).message}`;
    log.error(`Cannot start the demo${hint}`, {});
    return 1;
  }
  say(demoBanner({ ...demo, records: SAMPLE_RECORDS }));

  const { promise: stop, resolve } = Promise.withResolvers<string>();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => resolve(signal));
  }
  const signal = await stop;
  log.info("Demo shutting down", { signal });
  await demo.shutdown();
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
