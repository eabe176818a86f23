/**
 * Stored keys, users and teams rendered in LiteLLM's JSON shapes (snake_case,
 * ISO dates). Views never contain a raw key: keys appear as their hash
 * (`token`) and display name (`key_name`).
 * @module
 */
import type { KeyRecord, TeamRecord, UserRecord } from "../store/api_keys.ts";

/** Epoch ms → ISO string, keeping null. */
export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** A key as LiteLLM's `/key/info` `info` object (plus `token`, the hash). */
export function toKeyInfo(key: KeyRecord): Record<string, unknown> {
  return {
    token: key.hash,
    key_name: key.keyName,
    key_alias: key.keyAlias,
    models: key.models,
    user_id: key.userId,
    team_id: key.teamId,
    metadata: key.metadata,
    max_budget: key.maxBudget,
    budget_duration: key.budgetDuration,
    budget_reset_at: isoOrNull(key.budgetResetAt),
    spend: key.spend,
    expires: isoOrNull(key.expiresAt),
    created_at: isoOrNull(key.createdAt),
  };
}

/** A user as LiteLLM's `user_info` object. */
export function toUserInfo(user: UserRecord): Record<string, unknown> {
  return {
    user_id: user.userId,
    user_email: user.userEmail,
    user_role: user.userRole,
    models: user.models,
    teams: user.teams,
    max_budget: user.maxBudget,
    budget_duration: user.budgetDuration,
    budget_reset_at: isoOrNull(user.budgetResetAt),
    spend: user.spend,
    metadata: user.metadata,
    created_at: isoOrNull(user.createdAt),
  };
}

/** A team as LiteLLM's `team_info` object; `members` become `members_with_roles`. */
export function toTeamInfo(
  team: TeamRecord,
  members: readonly string[] = [],
): Record<string, unknown> {
  return {
    team_id: team.teamId,
    team_alias: team.teamAlias,
    models: team.models,
    max_budget: team.maxBudget,
    budget_duration: team.budgetDuration,
    budget_reset_at: isoOrNull(team.budgetResetAt),
    spend: team.spend,
    metadata: team.metadata,
    members_with_roles: members.map((userId) => ({ user_id: userId, role: "user" })),
    created_at: isoOrNull(team.createdAt),
  };
}
