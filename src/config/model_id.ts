/**
 * The one parser of Bedrock model references: what `litellm_params.model`
 * says (`bedrock/converse/us.anthropic.claude-…`), model ids, cross-region
 * inference profile ids and ARNs. Config, translation, prices and the
 * emulator all read model ids through {@linkcode parseModelRef}.
 * @module
 */

/** Geographic prefixes of system inference profile ids (`us.anthropic.…`). */
const PROFILE_PREFIXES: ReadonlySet<string> = new Set([
  "us",
  "us-gov",
  "eu",
  "apac",
  "global",
  "jp",
  "au",
  "ca",
]);

/** LiteLLM's provider prefix with an optional route: `bedrock/`, `bedrock/converse/`. */
const PROVIDER_PREFIX = /^bedrock\/(?:(converse|invoke)\/)?/;

/** Provisioned-throughput variants of a model id, such as `…-v1:0:200k` or `…-v1:0:mm`. */
const VARIANT_SUFFIX = /:(?:\d+k|mm)$/;

/** A parsed model reference. */
export interface ModelRef {
  /** The id Bedrock takes (`modelId`): the reference without `bedrock/` and its route. */
  id: string;
  /** The LiteLLM route in `bedrock/converse/…` or `bedrock/invoke/…`, else null. */
  route: "converse" | "invoke" | null;
  /** The ARN's resource type (`foundation-model`, `application-inference-profile`…), else null. */
  arnType: string | null;
  /** The cross-region profile prefix without its dot (`us`, `global`…), else null. */
  profile: string | null;
  /**
   * The foundation model it names, lower case, without profile prefix
   * (`anthropic.claude-3-haiku-20240307-v1:0`); null for references that do
   * not name one (application inference profiles, provisioned and custom models).
   */
  baseId: string | null;
}

/**
 * Parses a model reference.
 * @param text `bedrock/<id>`, `bedrock/converse/<id>`, a model id, a profile id or an ARN
 * @example
 * ```ts
 * import assert from "assert";
 * import { parseModelRef } from "./model_id.ts";
 * const ref = parseModelRef("bedrock/converse/us.anthropic.claude-3-5-haiku-20241022-v1:0");
 * assert.equal(ref.id, "us.anthropic.claude-3-5-haiku-20241022-v1:0");
 * assert.equal(ref.route, "converse");
 * assert.equal(ref.baseId, "anthropic.claude-3-5-haiku-20241022-v1:0");
 * ```
 */
export function parseModelRef(text: string): ModelRef {
  const trimmed = text.trim();
  const provider = PROVIDER_PREFIX.exec(trimmed);
  const id = provider ? trimmed.slice(provider[0].length) : trimmed;
  const route = (provider?.[1] ?? null) as ModelRef["route"];
  let name: string | null = id.toLowerCase();
  let arnType: string | null = null;
  if (name.startsWith("arn:")) {
    const resource = arnResource(name);
    arnType = resource?.type ?? null;
    name = resource && (arnType === "foundation-model" || arnType === "inference-profile")
      ? resource.name
      : null;
  }
  let profile: string | null = null;
  if (name !== null) {
    const dot = name.indexOf(".");
    if (dot > 0 && PROFILE_PREFIXES.has(name.slice(0, dot))) {
      profile = name.slice(0, dot);
      name = name.slice(dot + 1);
    }
  }
  return { id, route, arnType, profile, baseId: name };
}

/**
 * The base model of a custom-model ARN (`…:custom-model/<base>/<id>`), else null.
 * The emulator answers custom models like their base model.
 */
export function customModelBase(ref: ModelRef): string | null {
  if (ref.arnType !== "custom-model") return null;
  const resource = arnResource(ref.id.toLowerCase());
  const slash = resource?.name.indexOf("/") ?? -1;
  return resource && slash > 0 ? resource.name.slice(0, slash) : null;
}

/**
 * The price-table key of a model: its base id without a provisioned-throughput
 * variant suffix, or null when the reference names no foundation model.
 */
export function priceKeyOf(ref: ModelRef): string | null {
  return ref.baseId?.replace(VARIANT_SUFFIX, "") ?? null;
}

/** `arn:<partition>:bedrock:<region>:<account>:<type>/<name>`; the name may hold colons and slashes. */
function arnResource(arn: string): { type: string; name: string } | null {
  let colons = 0;
  let start = -1;
  for (let i = 0; i < arn.length; i++) {
    if (arn[i] === ":" && ++colons === 5) {
      start = i + 1;
      break;
    }
  }
  if (start < 0) return null;
  const slash = arn.indexOf("/", start);
  if (slash < 0) return null;
  return { type: arn.slice(start, slash), name: arn.slice(slash + 1) };
}
