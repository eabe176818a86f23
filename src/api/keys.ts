/**
 * LiteLLM's key management routes: `/key/generate`, `/key/info`,
 * `/key/update`, `/key/delete` and `/key/list`. All but `/key/info` need
 * the master key; a virtual key may read its own `/key/info`.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { DurationText } from "../auth/duration.ts";
import { abbreviateKey, hashKey, newRawKey } from "../auth/hash.ts";
import { ApiError, badRequest, notFound } from "../errors.ts";
import { log } from "../log.ts";
import {
  createKey,
  deleteKeys,
  getLiveKey,
  type KeyChange,
  type KeyRecord,
  listKeys,
  updateKey,
} from "../store/api_keys.ts";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "./context.ts";
import { forgetKeysAfter, requireKey } from "./require_key.ts";
import { Budget, endOfDuration, Metadata, ModelList, Name, OptionalDuration } from "./fields.ts";
import { parseJson, parseQuery } from "./validate.ts";
import { toKeyInfo } from "./views.ts";

/** Body of `POST /key/generate`. */
export const GenerateKeyBody = z.object({
  /** A custom key value; LiteLLM requires the `sk-` prefix. */
  key: z.string().regex(/^sk-\S+$/, { error: "expected a key that starts with 'sk-'" })
    .nullish(),
  key_alias: Name.nullish(),
  models: ModelList.nullish(),
  duration: OptionalDuration,
  max_budget: Budget.nullish(),
  budget_duration: OptionalDuration,
  user_id: Name.nullish(),
  team_id: Name.nullish(),
  metadata: Metadata.nullish(),
});
/** Parsed `/key/generate` body. */
export type GenerateKeyBody = z.infer<typeof GenerateKeyBody>;

/** Body of `POST /key/update`; null fields stay unchanged, as in LiteLLM. */
export const UpdateKeyBody = z.object({
  key: z.string().min(1),
  key_alias: Name.nullish(),
  models: ModelList.nullish(),
  /** A new lifetime counted from now; `-1` makes the key never expire. */
  duration: z.union([z.literal("-1"), DurationText]).nullish(),
  max_budget: Budget.nullish(),
  budget_duration: OptionalDuration,
  user_id: Name.nullish(),
  team_id: Name.nullish(),
  metadata: Metadata.nullish(),
  spend: Budget.nullish(),
});

/** Body of `POST /key/delete`: raw keys or hashes, and/or aliases. */
export const DeleteKeysBody = z.object({
  keys: z.array(z.string().min(1)).nullish(),
  key_aliases: z.array(z.string().min(1)).nullish(),
}).refine((b) => (b.keys?.length ?? 0) + (b.key_aliases?.length ?? 0) > 0, {
  error: "expected keys or key_aliases to list at least one key",
  path: ["keys"],
});

/** Query of `GET /key/list`. */
export const ListKeysQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(100).default(10),
  user_id: z.string().min(1).optional(),
  team_id: z.string().min(1).optional(),
  key_alias: z.string().min(1).optional(),
  return_full_object: z.stringbool().default(false),
});

/**
 * The hash a `key` parameter names: a 64-hex-digit value is taken as a hash
 * already (what `/key/list` returns), anything else as a raw key.
 */
export function keyHashOf(value: string): string {
  const trimmed = value.trim();
  return /^[0-9a-f]{64}$/.test(trimmed) ? trimmed : hashKey(trimmed);
}

/**
 * Makes and stores a key for `body`. Shared by `/key/generate` and
 * `/user/new`, which issues a key for the new user.
 * @returns the raw key (shown once) and the stored record
 * @throws {ApiError} 400 for a taken key value or alias, an unknown team, or the master key's value
 */
export async function issueKey(
  deps: Pick<AppDeps, "store" | "clock" | "config">,
  body: GenerateKeyBody,
): Promise<{ raw: string; record: KeyRecord }> {
  const now = deps.clock.now();
  const raw = body.key ?? newRawKey();
  if (deps.config.masterKey !== undefined && raw === deps.config.masterKey) {
    throw badRequest("Cannot create key: the value is the master key", { param: "key" });
  }
  const record: KeyRecord = {
    hash: hashKey(raw),
    keyName: abbreviateKey(raw),
    keyAlias: body.key_alias ?? null,
    models: body.models ?? [],
    userId: body.user_id ?? null,
    teamId: body.team_id ?? null,
    metadata: body.metadata ?? {},
    maxBudget: body.max_budget ?? null,
    budgetDuration: body.budget_duration ?? null,
    budgetResetAt: body.budget_duration
      ? endOfDuration(now, body.budget_duration, "budget_duration")
      : null,
    spend: 0,
    expiresAt: body.duration ? endOfDuration(now, body.duration, "duration") : null,
    createdAt: now,
    deletedAt: null,
  };
  const { userCreated } = await createKey(deps.store, record);
  log.info("Key generated", {
    key_name: record.keyName,
    token: record.hash,
    user_id: record.userId,
    team_id: record.teamId,
    user_created: userCreated,
  });
  return { raw, record };
}

/** The key routes. */
export function keyRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const member = requireKey(deps);
  const admin = requireKey(deps, { admin: true });
  const forget = forgetKeysAfter(deps.keys);

  app.post("/key/generate", admin, forget, async (c) => {
    const body = await parseJson(c, GenerateKeyBody);
    const { raw, record } = await issueKey(
      deps,
      body,
    );
    return c.json({
      key: raw,
      ...toKeyInfo(record),
      token_id: record.hash,
      duration: body.duration ?? null,
    });
  });

  app.get("/key/info", member, async (c) => {
    const principal = c.var.principal;
    const query = parseQuery(c, z.object({ key: z.string().min(1).optional() }));
    let hash: string;
    if (query.key !== undefined) hash = keyHashOf(query.key);
    else if (!principal.isAdmin) hash = principal.ownerId;
    else throw badRequest("Missing key: pass ?key= with a key or its hash", { param: "key" });
    if (!principal.isAdmin && hash !== principal.ownerId) {
      throw new ApiError(403, "Cannot read key info: a virtual key may only read its own", {
        code: "admin_only",
      });
    }
    const key = await getLiveKey(deps.store, hash);
    if (!key) throw notFound("key", hash, "key");
    return c.json({ key: hash, info: toKeyInfo(key) });
  });

  app.post("/key/update", admin, forget, async (c) => {
    const body = await parseJson(c, UpdateKeyBody);
    const { store } = deps;
    const now = () => deps.clock.now();
    const t = now();
    const change: KeyChange = {
      keyAlias: body.key_alias ?? undefined,
      models: body.models ?? undefined,
      userId: body.user_id ?? undefined,
      teamId: body.team_id ?? undefined,
      metadata: body.metadata ?? undefined,
      maxBudget: body.max_budget ?? undefined,
      spend: body.spend ?? undefined,
    };
    if (body.duration) {
      change.expiresAt = body.duration === "-1"
        ? null
        : endOfDuration(t, body.duration, "duration");
    }
    if (body.budget_duration) {
      change.budgetDuration = body.budget_duration;
      change.budgetResetAt = endOfDuration(t, body.budget_duration, "budget_duration");
    }
    const hash = keyHashOf(body.key);
    const updated = await updateKey(store, hash, change);
    log.info("Key updated", { key_name: updated.keyName, token: hash });
    return c.json({ key: hash, ...toKeyInfo(updated) });
  });

  app.post("/key/delete", admin, forget, async (c) => {
    const body = await parseJson(c, DeleteKeysBody);
    const { store } = deps;
    const now = () => deps.clock.now();
    const hashes = (body.keys ?? []).map(keyHashOf);
    for (const alias of body.key_aliases ?? []) {
      const [key] = await listKeys(store, { keyAlias: alias });
      if (!key) throw notFound("key with alias", alias, "key_aliases");
      hashes.push(key.hash);
    }
    const deleted = await deleteKeys(store, hashes, { now: now() });
    log.info("Keys deleted", { tokens: deleted });
    return c.json({ deleted_keys: deleted });
  });

  app.get("/key/list", admin, async (c) => {
    const query = parseQuery(c, ListKeysQuery);
    const filter: Parameters<typeof listKeys>[1] = {};
    if (query.user_id !== undefined) filter.userId = query.user_id;
    if (query.team_id !== undefined) filter.teamId = query.team_id;
    if (query.key_alias !== undefined) filter.keyAlias = query.key_alias;
    const keys = await listKeys(deps.store, filter);
    const start = (query.page - 1) * query.size;
    const page = keys.slice(start, start + query.size);
    return c.json({
      keys: query.return_full_object ? page.map(toKeyInfo) : page.map((k) => k.hash),
      total_count: keys.length,
      current_page: query.page,
      total_pages: Math.ceil(keys.length / query.size),
    });
  });

  return app;
}
