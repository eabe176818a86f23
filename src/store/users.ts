/**
 * Writes to user records and their team-membership index.
 * @module
 */
import { badRequest, notFound } from "../errors.ts";
import { definedFields, getTeam, type UserRecord } from "./api_keys.ts";
import { prefixes, userByTeamKey, userKey } from "./keys.ts";
import { commit, commitWithRetry, getWithRetry } from "./kv.ts";

/**
 * Stores a new user and indexes it under each of its teams.
 * @throws {ApiError} 400 when the user exists or one of its teams does not
 */
export async function createUser(kv: Deno.Kv, record: UserRecord): Promise<UserRecord> {
  await assertTeamsExist(kv, record.teams);
  await commitWithRetry("create user", async () => {
    const entry = await getWithRetry<UserRecord>(kv, userKey(record.userId));
    if (entry.value) {
      throw badRequest(`Cannot create user '${record.userId}': the user already exists`, {
        param: "user_id",
        code: "duplicate_user",
      });
    }
    const op = kv.atomic().check(entry).set(userKey(record.userId), record);
    for (const teamId of record.teams) op.set(userByTeamKey(teamId, record.userId), record.userId);
    return commit(op);
  });
  return record;
}

/** User fields that {@linkcode updateUser} may change. */
export type UserChange = Partial<
  Pick<
    UserRecord,
    | "userEmail"
    | "userRole"
    | "models"
    | "teams"
    | "maxBudget"
    | "budgetDuration"
    | "budgetResetAt"
    | "spend"
    | "metadata"
  >
>;

/**
 * Applies `change` to a user; undefined fields stay. Changing `teams` moves
 * the membership index.
 * @returns the updated record
 * @throws {ApiError} 404 for an unknown user; 400 for an unknown team
 */
export async function updateUser(
  kv: Deno.Kv,
  userId: string,
  change: UserChange,
): Promise<UserRecord> {
  if (change.teams) await assertTeamsExist(kv, change.teams);
  let next: UserRecord | undefined;
  await commitWithRetry("update user", async () => {
    const entry = await getWithRetry<UserRecord>(kv, userKey(userId));
    const current = entry.value;
    if (!current) throw notFound("user", userId, "user_id");
    next = { ...current, ...definedFields(change) };
    const op = kv.atomic().check(entry).set(userKey(userId), next);
    for (const teamId of current.teams) {
      if (!next.teams.includes(teamId)) op.delete(userByTeamKey(teamId, userId));
    }
    for (const teamId of next.teams) op.set(userByTeamKey(teamId, userId), userId);
    return commit(op);
  });
  return next!;
}

/** Ids of the users whose `teams` include `teamId`. */
export async function listTeamMembers(kv: Deno.Kv, teamId: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of kv.list({ prefix: prefixes.userByTeam(teamId) })) {
    out.push(String(entry.key.at(-1)));
  }
  return out;
}

async function assertTeamsExist(kv: Deno.Kv, teams: readonly string[]): Promise<void> {
  for (const teamId of teams) {
    // Teams are never deleted, so a read before the commit suffices.
    if (!await getTeam(kv, teamId)) {
      throw badRequest(`Cannot add user to team '${teamId}': the team does not exist`, {
        param: "teams",
        code: "team_not_found",
      });
    }
  }
}
