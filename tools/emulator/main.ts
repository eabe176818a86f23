/**
 * Bedrock emulator command line:
 * `deno task emulator --port 4010 --s3-endpoint http://127.0.0.1:4569`.
 * @module
 */
import { parseArgs } from "node:util";
import { log, say } from "../../src/log.ts";
import { startEmulator } from "./server.ts";

const USAGE = `Bedrock batch inference emulator (control plane: model invocation jobs)

Usage: deno task emulator --s3-endpoint URL [options]

Options:
  --port N                   port to listen on (default 4010; 0 = any free port)
  --host HOST                bind address (default 127.0.0.1)
  --s3-endpoint URL          S3-compatible endpoint holding job inputs and outputs (required)
  --s3-access-key-id K       S3 access key id (default S3RVER, s3rver's)
  --s3-secret-access-key S   S3 secret access key (default S3RVER)
  --region R                 region in job ARNs and for S3 (default us-east-1)
  --account-id ID            12-digit account id in job ARNs (default 123456789012)
  --step-ms MS               how long each job state lasts (default 1000)
  --min-records N            fewest records a job may have (default 100)
  --max-concurrent-jobs N    submitted or in-progress jobs allowed at once (default 20)
  --help                     show this help

Point the AWS SDK at it with AWS_ENDPOINT_URL_BEDROCK=<printed URL>.`;

function intOption(name: string, text: string | undefined, min: number, max: number) {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`--${name} must be a whole number from ${min} to ${max}, got '${text}'`);
  }
  return n;
}

async function main(args: string[]): Promise<number> {
  let values;
  let port: number;
  let numbers;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: "string", default: "4010" },
        host: { type: "string", default: "127.0.0.1" },
        "s3-endpoint": { type: "string" },
        "s3-access-key-id": { type: "string", default: "S3RVER" },
        "s3-secret-access-key": { type: "string", default: "S3RVER" },
        region: { type: "string", default: "us-east-1" },
        "account-id": { type: "string", default: "123456789012" },
        "step-ms": { type: "string" },
        "min-records": { type: "string" },
        "max-concurrent-jobs": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
    if (values.help) {
      say(USAGE);
      return 0;
    }
    if (!values["s3-endpoint"]) throw new Error("--s3-endpoint is required");
    if (!/^[0-9]{12}$/.test(values["account-id"])) {
      throw new Error(`--account-id must be 12 digits, got '${values["account-id"]}'`);
    }
    port = intOption("port", values.port, 0, 65535)!;
    numbers = {
      stepMs: intOption("step-ms", values["step-ms"], 1, 86_400_000),
      minRecords: intOption("min-records", values["min-records"], 0, 50_000),
      maxConcurrentJobs: intOption("max-concurrent-jobs", values["max-concurrent-jobs"], 1, 1e6),
    };
  } catch (error) {
    say(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const emulator = await startEmulator({
    port,
    hostname: values.host,
    region: values.region,
    accountId: values["account-id"],
    s3: {
      region: values.region,
      endpoint: values["s3-endpoint"]!,
      credentials: {
        accessKeyId: values["s3-access-key-id"],
        secretAccessKey: values["s3-secret-access-key"],
      },
    },
    ...numbers,
  });
  log.info("Bedrock emulator listening", {
    url: emulator.url,
    s3: values["s3-endpoint"],
    region: values.region,
  });
  const { promise: stop, resolve } = Promise.withResolvers<string>();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => resolve(signal));
  }
  const signal = await stop;
  log.info("Bedrock emulator shutting down", { signal });
  await emulator.shutdown();
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
