/**
 * The one AWS client factory. Clients are built once per distinct target
 * (region, endpoint, credentials) and reused.
 * @module
 */
import { BedrockClient } from "@aws-sdk/client-bedrock";
import { S3Client } from "@aws-sdk/client-s3";
import type { AwsTarget } from "../config/load.ts";

/** Builds and caches S3 and Bedrock clients. */
export class AwsClients {
  #s3 = new Map<string, S3Client>();
  #bedrock = new Map<string, BedrockClient>();

  /**
   * The S3 client for a target. An explicit endpoint implies path-style
   * addressing; checksums only when required, because some S3-compatible
   * servers store aws-chunked framing inside the object otherwise. Bodies go
   * out without `Expect: 100-continue`: every body is one we built and hold in
   * memory, so there is nothing to gain from a round trip before sending it.
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
        expectContinueHeader: false,
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
