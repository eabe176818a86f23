/**
 * LiteLLM's team routes: `/team/new`, `/team/info`, `/team/update`. Master key only.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { notFound } from "../errors.ts";
import { log } from "../log.ts";
import { getTeam, listKeys, type TeamRecord } from "../store/api_keys.ts";
import { createTeam, type TeamChange, updateTeam } from "../store/teams.ts";
import { listTeamMembers } from "../store/users.ts";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "./context.ts";
import { forgetKeysAfter, requireKey } from "./require_key.ts";
import { Budget, endOfDuration, Metadata, ModelList, Name, OptionalDuration } from "./fields.ts";
import { parseJson, parseQuery } from "./validate.ts";
import { toKeyInfo, toTeamInfo } from "./views.ts";

/** Body of `POST /team/new`. */
export const NewTeamBody = z.object({
  /** Generated (a UUID) when absent, as LiteLLM does. */
  team_id: Name.nullish(),
  team_alias: Name.nullish(),
  models: ModelList.nullish(),
  max_budget: Budget.nullish(),
  budget_duration: OptionalDuration,
  metadata: Metadata.nullish(),
});

/** Body of `POST /team/update`; null fields stay unchanged. */
export const UpdateTeamBody = z.object({
  team_id: Name,
  team_alias: Name.nullish(),
  models: ModelList.nullish(),
  max_budget: Budget.nullish(),
  budget_duration: OptionalDuration,
  metadata: Metadata.nullish(),
  spend: Budget.nullish(),
});

/** The team routes. */
export function teamRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const admin = requireKey(deps, { admin: true });
  const forget = forgetKeysAfter(deps.keys);

  app.post("/team/new", admin, forget, async (c) => {
    const body = await parseJson(c, NewTeamBody);
    const { store } = deps;
    const now = () => deps.clock.now();
    const t = now();
    const team: TeamRecord = {
      teamId: body.team_id ?? crypto.randomUUID(),
      teamAlias: body.team_alias ?? null,
      models: body.models ?? [],
      maxBudget: body.max_budget ?? null,
      budgetDuration: body.budget_duration ?? null,
      budgetResetAt: body.budget_duration
        ? endOfDuration(t, body.budget_duration, "budget_duration")
        : null,
      spend: 0,
      metadata: body.metadata ?? {},
      createdAt: t,
    };
    await createTeam(store, team);
    log.info("Team created", { team_id: team.teamId });
    return c.json(toTeamInfo(team));
  });

  app.get("/team/info", admin, async (c) => {
    const { team_id } = parseQuery(c, z.object({ team_id: Name }));
    const { store } = deps;
    const team = await getTeam(store, team_id);
    if (!team) throw notFound("team", team_id, "team_id");
    const [members, keys] = await Promise.all([
      listTeamMembers(store, team_id),
      listKeys(store, { teamId: team_id }),
    ]);
    return c.json({ team_id, team_info: toTeamInfo(team, members), keys: keys.map(toKeyInfo) });
  });

  app.post("/team/update", admin, forget, async (c) => {
    const body = await parseJson(c, UpdateTeamBody);
    const { store } = deps;
    const now = () => deps.clock.now();
    const change: TeamChange = {
      teamAlias: body.team_alias ?? undefined,
      models: body.models ?? undefined,
      maxBudget: body.max_budget ?? undefined,
      metadata: body.metadata ?? undefined,
      spend: body.spend ?? undefined,
    };
    if (body.budget_duration) {
      change.budgetDuration = body.budget_duration;
      change.budgetResetAt = endOfDuration(now(), body.budget_duration, "budget_duration");
    }
    const team = await updateTeam(store, body.team_id, change);
    log.info("Team updated", { team_id: team.teamId });
    return c.json(toTeamInfo(team, await listTeamMembers(store, team.teamId)));
  });

  return app;
}
