/**
 * A deployment's model as batch jobs run it: its capabilities, the job type
 * (`InvokeModel` with the native body, or `Converse`), the OpenAI endpoints
 * it serves and a {@linkcode Translator} per endpoint, bound to the model.
 *
 * Which job type: `litellm_params.batch_invocation_type` (`converse` |
 * `invoke`) or LiteLLM's route in the model (`bedrock/converse/…`,
 * `bedrock/invoke/…`); without either, the native body when Batchgate has one,
 * else Converse. Models the table does not know run as Converse with no
 * limits checked (Bedrock's answer decides). Application inference profile
 * ARNs name no model: `model_info.base_model` (LiteLLM's key) must.
 * @module
 */
import { parseModelRef } from "../config/model_id.ts";
import {
  baseModelOf,
  capabilitiesOf,
  type ModelCapabilities,
  unknownChatModel,
} from "./capabilities.ts";
import type { BatchEndpoint, InvocationType, ModelFamily, Translator } from "./translator.ts";
import { TRANSLATORS } from "./translators.ts";
import { responsesTranslator } from "./responses.ts";

/** Why a deployment's model cannot run, for the config or API error's `code`. */
export type ModelSupportErrorCode =
  | "needs_base_model"
  | "unsupported_model"
  | "unsupported_invocation"
  | "unsupported_endpoint";

/** A model, job type or endpoint Batchgate cannot run in batch. */
export class ModelSupportError extends Error {
  /** Machine-readable reason. */
  readonly code: ModelSupportErrorCode;
  /**
   * @param message Sentence case, no final period
   * @param code the reason
   */
  constructor(message: string, code: ModelSupportErrorCode) {
    super(message);
    this.name = "ModelSupportError";
    this.code = code;
  }
}

/** Options of {@linkcode resolveBatchModel}. */
export interface ResolveOptions {
  /** LiteLLM's `model_info.base_model`: the foundation model behind a profile ARN. */
  baseModel?: string;
  /** `litellm_params.batch_invocation_type`. */
  invocationType?: "converse" | "invoke";
}

/** A model as batch jobs run it. */
export interface BatchModel {
  /** What the table knows (or assumes, for unknown models). */
  readonly capabilities: ModelCapabilities;
  /** False for models the table does not have. */
  readonly known: boolean;
  /** The request format written into `modelInput`. */
  readonly family: ModelFamily;
  /** `modelInvocationType` for CreateModelInvocationJob. */
  readonly invocationType: InvocationType;
  /** OpenAI endpoints this model serves in this job type. */
  readonly endpoints: readonly BatchEndpoint[];
  /** Whether batch lines with this `url` can run. */
  supports(endpoint: string): endpoint is BatchEndpoint;
  /**
   * The translator for batch lines with this `url`.
   * @throws {ModelSupportError} `unsupported_endpoint`
   */
  translator(endpoint: string): Translator;
}

function invocationOf(
  model: string,
  caps: ModelCapabilities,
  options: ResolveOptions,
): InvocationType {
  const route = parseModelRef(model).route;
  if (route !== null && options.invocationType !== undefined && route !== options.invocationType) {
    throw new ModelSupportError(
      `Cannot run model '${model}': its route says ${route} but batch_invocation_type says ${options.invocationType}`,
      "unsupported_invocation",
    );
  }
  const wanted = options.invocationType ?? route;
  if (wanted === "invoke" || (wanted === null && caps.native !== null)) {
    if (caps.native === null) {
      throw new ModelSupportError(
        `Cannot run model '${model}' as InvokeModel: Batchgate writes no native request body for ${caps.name}, run it as Converse`,
        "unsupported_invocation",
      );
    }
    return "InvokeModel";
  }
  if (!caps.converse) {
    throw new ModelSupportError(
      `Cannot run model '${model}' as Converse: ${caps.name} does not take Converse requests`,
      "unsupported_invocation",
    );
  }
  return "Converse";
}

function bind(translator: Translator, capabilities: ModelCapabilities): Translator {
  return {
    ...translator,
    toModelInput: (body, options) => translator.toModelInput(body, { ...options, capabilities }),
  };
}

/**
 * Resolves a deployment's model for batch jobs.
 * @param model `litellm_params.model`: `bedrock/<id>`, `bedrock/converse/<id>`, an id, profile id or ARN
 * @param options `baseModel` and `invocationType` from the deployment's config
 * @throws {ModelSupportError} for an application inference profile without
 *   `baseModel`, a model batch cannot run (image, speech, rerank, provisioned),
 *   or a job type the model cannot take
 * @example
 * ```ts
 * import assert from "assert";
 * import { resolveBatchModel } from "./batch_model.ts";
 * const claude = resolveBatchModel("bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0");
 * assert.equal(claude.invocationType, "InvokeModel");
 * assert.deepEqual(claude.endpoints, ["/v1/chat/completions", "/v1/responses"]);
 * const oss = resolveBatchModel("bedrock/openai.gpt-oss-120b-1:0");
 * assert.equal(oss.invocationType, "Converse");
 * ```
 */
export function resolveBatchModel(model: string, options: ResolveOptions = {}): BatchModel {
  const lookup = options.baseModel === undefined ? {} : { baseModel: options.baseModel };
  const known = capabilitiesOf(model, lookup);
  let caps = known;
  if (caps === undefined) {
    const base = baseModelOf(model, lookup);
    if (base === null) {
      const type = parseModelRef(model).arnType;
      throw type === "application-inference-profile"
        ? new ModelSupportError(
          `Cannot run model '${model}': an application inference profile ARN does not name its model, set model_info.base_model`,
          "needs_base_model",
        )
        : new ModelSupportError(
          `Cannot run model '${model}': ${
            type === "provisioned-model"
              ? "batch inference does not run provisioned models"
              : "the reference names no foundation model"
          }`,
          "unsupported_model",
        );
    }
    caps = unknownChatModel(base);
  }
  if (caps.batch === "no") {
    throw new ModelSupportError(
      `Cannot run model '${model}': ${caps.name} is not a text or embedding model, batch lines cannot use it`,
      "unsupported_model",
    );
  }
  const capabilities = caps;
  const invocationType = invocationOf(model, capabilities, options);
  const family: ModelFamily = invocationType === "Converse" ? "converse" : capabilities.native!;
  const endpoints = invocationType === "Converse"
    ? capabilities.endpoints.filter((e) => e !== "/v1/embeddings")
    : capabilities.endpoints;
  const cache = new Map<BatchEndpoint, Translator>();
  const supports = (endpoint: string): endpoint is BatchEndpoint =>
    (endpoints as readonly string[]).includes(endpoint);
  return {
    capabilities,
    known: known !== undefined,
    family,
    invocationType,
    endpoints,
    supports,
    translator(endpoint) {
      if (!supports(endpoint)) {
        throw new ModelSupportError(
          `Cannot run ${endpoint} requests on model '${model}': ${capabilities.name} serves ${
            endpoints.join(" and ")
          }`,
          "unsupported_endpoint",
        );
      }
      let translator = cache.get(endpoint);
      if (!translator) {
        const base = bind(TRANSLATORS[family], capabilities);
        translator = endpoint === "/v1/responses" ? responsesTranslator(base) : base;
        cache.set(endpoint, translator);
      }
      return translator;
    },
  };
}
