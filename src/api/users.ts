/**
 * LiteLLM's user routes: `/user/new`, `/user/info`, `/user/update`. Master key only.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { notFound } from "../errors.ts";
import { log } from "../log.ts";
import { getTeam, getUser, listKeys, type UserRecord } from "../store/api_keys.ts";
import { createUser, updateUser, type UserChange } from "../store/users.ts";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "./context.ts";
import { forgetKeysAfter, requireKey } from "./require_key.ts";
import { Budget, endOfDuration, Metadata, ModelList, Name, OptionalDuration } from "./fields.ts";
import { issueKey } from "./keys.ts";
import { parseJson, parseQuery } from "./validate.ts";
import { toKeyInfo, toTeamInfo, toUserInfo } from "./views.ts";

/** Body of `POST /user/new`. */
export const NewUserBody = z.object({
  /** Generated (a UUID) when absent, as LiteLLM does. */
  user_id: Name.nullish(),
  user_email: z.string().trim().min(1).max(320).nullish(),
  user_role: Name.nullish(),
  models: ModelList.nullish(),
  teams: z.array(Name).nullish(),
  max_budget: Budget.nullish(),
  budget_duration: OptionalDuration,
  metadata: Metadata.nullish(),
  /** LiteLLM issues a key for the new user unless this is false. */
  auto_create_key: z.boolean().nullish(),
  key_alias: Name.nullish(),
  duration: OptionalDuration,
});

/** Body of `POST /user/update`; null fields stay unchanged. */
export const UpdateUserBody = z.object({
  user_id: Name,
  user_email: z.string().trim().min(1).max(320).nullish(),
  user_role: Name.nullish(),
  models: ModelList.nullish(),
  teams: z.array(Name).nullish(),
  max_budget: Budget.nullish(),
  budget_duration: OptionalDuration,
  metadata: Metadata.nullish(),
  spend: Budget.nullish(),
});

/** The user routes. */
export function userRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const admin = requireKey(deps, { admin: true });
  const forget = forgetKeysAfter(deps.keys);

  app.post("/user/new", admin, forget, async (c) => {
    const body = await parseJson(c, NewUserBody);
    const now = deps.clock.now();
    const user: UserRecord = {
      userId: body.user_id ?? crypto.randomUUID(),
      userEmail: body.user_email ?? null,
      userRole: body.user_role ?? null,
      models: body.models ?? [],
      teams: [...new Set(body.teams ?? [])],
      maxBudget: body.max_budget ?? null,
      budgetDuration: body.budget_duration ?? null,
      budgetResetAt: body.budget_duration
        ? endOfDuration(now, body.budget_duration, "budget_duration")
        : null,
      spend: 0,
      metadata: body.metadata ?? {},
      createdAt: now,
    };
    await createUser(deps.store, user);
    log.info("User created", { user_id: user.userId });
    if (body.auto_create_key === false) return c.json(toUserInfo(user));
    const { raw, record } = await issueKey(
      deps,
      {
        user_id: user.userId,
        models: user.models,
        key_alias: body.key_alias ?? null,
        duration: body.duration ?? null,
      },
    );
    return c.json({
      ...toUserInfo(user),
      key: raw,
      key_name: record.keyName,
      key_alias: record.keyAlias,
      token: record.hash,
      expires: toKeyInfo(record).expires,
    });
  });

  app.get("/user/info", admin, async (c) => {
    const { user_id } = parseQuery(c, z.object({ user_id: Name }));
    const { store } = deps;
    const user = await getUser(store, user_id);
    if (!user) throw notFound("user", user_id, "user_id");
    const keys = await listKeys(store, { userId: user_id });
    const teams = [];
    for (const teamId of user.teams) {
      const team = await getTeam(store, teamId);
      if (team) teams.push(toTeamInfo(team));
    }
    return c.json({ user_id, user_info: toUserInfo(user), keys: keys.map(toKeyInfo), teams });
  });

  app.post("/user/update", admin, forget, async (c) => {
    const body = await parseJson(c, UpdateUserBody);
    const { store } = deps;
    const now = () => deps.clock.now();
    const change: UserChange = {
      userEmail: body.user_email ?? undefined,
      userRole: body.user_role ?? undefined,
      models: body.models ?? undefined,
      teams: body.teams ? [...new Set(body.teams)] : undefined,
      maxBudget: body.max_budget ?? undefined,
      metadata: body.metadata ?? undefined,
      spend: body.spend ?? undefined,
    };
    if (body.budget_duration) {
      change.budgetDuration = body.budget_duration;
      change.budgetResetAt = endOfDuration(now(), body.budget_duration, "budget_duration");
    }
    const user = await updateUser(store, body.user_id, change);
    log.info("User updated", { user_id: user.userId });
    return c.json(toUserInfo(user));
  });

  return app;
}
