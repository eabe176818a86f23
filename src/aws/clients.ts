/**
 * The one AWS client factory. Clients are built once per distinct target
 * (region, endpoint, credentials) and reused.
 * @module
 */
import { BedrockClient } from "@aws-sdk/client-bedrock";
import { S3Client } from "@aws-sdk/client-s3";
import type { AwsTarget } from "../config/load.ts";
import { S3Transport } from "./s3_transport.ts";

/**
 * A request that carries its body's CRC32 (`x-amz-checksum-crc32`, which S3
 * checks, and which is signed with the other headers) is signed with
 * `UNSIGNED-PAYLOAD` instead of its body's SHA-256. The SDK hashes every
 * byte of a body it signs on the JavaScript thread: for uploads that was
 * 4% of the ingest thread's time, and CRC32 costs an eighth of that.
 */
// deno-lint-ignore no-explicit-any
const unsignedPayloadWithCrc32 = (next: any) => (args: any) => {
  const headers = (args.request as { headers?: Record<string, string> }).headers;
  if (headers?.["x-amz-checksum-crc32"]) headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
  return next(args);
};

/** Builds and caches S3 and Bedrock clients. */
export class AwsClients {
  #s3 = new Map<string, S3Client>();
  #bedrock = new Map<string, BedrockClient>();

  /**
   * The S3 client for a target. An explicit endpoint implies path-style
   * addressing; checksums only when required, because some S3-compatible
   * servers store aws-chunked framing inside the object otherwise. Object
   * reads go over `fetch` ({@linkcode S3Transport}). Bodies go out without
   * `Expect: 100-continue`: every body is one we built and hold in memory (at
   * most one 8 MiB part), and waiting a round trip for "100 Continue" before
   * each part held ingest back by 15% (bench/RESULTS.md).
   */
  s3(target: AwsTarget): S3Client {
    const id = JSON.stringify(target);
    let client = this.#s3.get(id);
    if (!client) {
      client = new S3Client({
        region: target.region,
        ...(target.endpoint ? { endpoint: target.endpoint, forcePathStyle: true } : {}),
        ...(target.credentials ? { credentials: target.credentials } : {}),
        ...(target.profile ? { profile: target.profile } : {}),
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
        requestHandler: new S3Transport(),
        expectContinueHeader: false,
      });
      client.middlewareStack.addRelativeTo(unsignedPayloadWithCrc32, {
        relation: "before",
        toMiddleware: "httpSigningMiddleware",
        name: "unsignedPayloadWithCrc32",
      });
      this.#s3.set(id, client);
    }
    return client;
  }

  /** The Bedrock control-plane client for a target. */
  bedrock(target: AwsTarget): BedrockClient {
    const id = JSON.stringify(target);
    let client = this.#bedrock.get(id);
    if (!client) {
      client = new BedrockClient({
        region: target.region,
        ...(target.endpoint ? { endpoint: target.endpoint } : {}),
        ...(target.credentials ? { credentials: target.credentials } : {}),
        ...(target.profile ? { profile: target.profile } : {}),
      });
      this.#bedrock.set(id, client);
    }
    return client;
  }

  /** Closes every client's sockets. */
  destroy(): void {
    for (const c of this.#s3.values()) c.destroy();
    for (const c of this.#bedrock.values()) c.destroy();
    this.#s3.clear();
    this.#bedrock.clear();
  }
}
