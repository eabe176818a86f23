/**
 * Choosing the deployment that runs a model group's work, and finding it
 * again later from what a file or batch record stored.
 * @module
 */
import { ApiError } from "../errors.ts";
import type { Config, Deployment } from "../config/load.ts";
import { canUseModel, type Principal } from "../auth/principal.ts";
import type { FileLocation } from "../store/files.ts";
import { ObjectStore } from "../storage/object_store.ts";
import type { AwsClients } from "../aws/clients.ts";
import { familyOf, translatorFor } from "../bedrock/translators.ts";
import type { Translator } from "../bedrock/translator.ts";

/**
 * The deployments of a group the principal may use.
 * @throws {ApiError} 400 for an unknown group, 403 for one the key may not use
 */
export function groupDeployments(
  config: Config,
  principal: Principal,
  group: string,
  param = "model",
): Deployment[] {
  const deployments = config.modelGroups.get(group);
  if (!deployments || deployments.length === 0) {
    const known = [...config.modelGroups.keys()].filter((g) => canUseModel(principal, g));
    throw new ApiError(
      400,
      `Unknown model '${group}': use one of ${known.length ? known.join(", ") : "(none)"}`,
      { param, code: "model_not_found" },
    );
  }
  if (!canUseModel(principal, group)) {
    throw new ApiError(403, `This key may not use model '${group}'`, {
      param,
      code: "model_not_allowed",
    });
  }
  return deployments;
}

/** Picks one deployment of a group, spreading files over deployments. */
export function pickDeployment(deployments: Deployment[]): Deployment {
  return deployments[Math.floor(Math.random() * deployments.length)]!;
}

/** Where a file written through `deployment` lives. */
export function locationOf(deployment: Deployment): FileLocation {
  return {
    modelGroup: deployment.modelGroup,
    modelId: deployment.modelId,
    bucket: deployment.s3.bucket,
  };
}

/**
 * The configured deployment matching a stored location.
 * @throws {ApiError} 409 when the config no longer has it
 */
export function deploymentAt(config: Config, loc: FileLocation): Deployment {
  const found =
    config.modelGroups.get(loc.modelGroup)?.find((d) =>
      d.modelId === loc.modelId && (d.s3.bucket === loc.bucket || d.s3.outputBucket === loc.bucket)
    ) ?? config.deployments.find((d) => d.s3.bucket === loc.bucket);
  if (!found) {
    throw new ApiError(
      409,
      `Cannot reach this object: no configured deployment of '${loc.modelGroup}' uses bucket ` +
        `'${loc.bucket}' any more`,
      { code: "deployment_removed" },
    );
  }
  return found;
}

/** The object store of a deployment's bucket, with its KMS key. */
export function objectStoreFor(aws: AwsClients, deployment: Deployment): ObjectStore {
  return new ObjectStore(
    aws.s3(deployment.s3),
    deployment.kmsKeyId ? { kmsKeyId: deployment.kmsKeyId } : {},
  );
}

/**
 * The translator for a deployment's model.
 * @throws {ApiError} 400 when Batchgate does not know the model's request format
 */
export function translatorOf(deployment: Deployment): Translator {
  if (!familyOf(deployment.modelId)) {
    throw new ApiError(
      400,
      `Cannot run model '${deployment.modelGroup}': Batchgate does not know the request format ` +
        `of Bedrock model '${deployment.modelId}'`,
      { param: "model", code: "unsupported_model" },
    );
  }
  return translatorFor(deployment.modelId);
}
