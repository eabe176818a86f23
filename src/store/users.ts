/**
 * Writes to user records and their team-membership index.
 * @module
 */
import { RecordError, recordNotFound } from "./errors.ts";
import { definedFields, getTeam, type UserRecord } from "./api_keys.ts";
import { prefixes, userByTeamKey, userKey } from "./keys.ts";
import { commit, commitWithRetry } from "./commit.ts";
import type { Store } from "./store.ts";

/**
 * Stores a new user and indexes it under each of its teams.
 * @throws {ApiError} 400 when the user exists or one of its teams does not
 */
export async function createUser(store: Store, record: UserRecord): Promise<UserRecord> {
  await assertTeamsExist(store, record.teams);
  await commitWithRetry("create user", async () => {
    const entry = await store.get<UserRecord>(userKey(record.userId));
    if (entry.value) {
      throw new RecordError(
        "exists",
        `Cannot create user '${record.userId}': the user already exists`,
        {
          field: "user_id",
          code: "duplicate_user",
        },
      );
    }
    const op = store.atomic().check(entry).set(userKey(record.userId), record);
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
  store: Store,
  userId: string,
  change: UserChange,
): Promise<UserRecord> {
  if (change.teams) await assertTeamsExist(store, change.teams);
  let next: UserRecord | undefined;
  await commitWithRetry("update user", async () => {
    const entry = await store.get<UserRecord>(userKey(userId));
    const current = entry.value;
    if (!current) throw recordNotFound("user", userId, "user_id");
    next = { ...current, ...definedFields(change) };
    const op = store.atomic().check(entry).set(userKey(userId), next);
    for (const teamId of current.teams) {
      if (!next.teams.includes(teamId)) op.delete(userByTeamKey(teamId, userId));
    }
    for (const teamId of next.teams) op.set(userByTeamKey(teamId, userId), userId);
    return commit(op);
  });
  return next!;
}

/** Ids of the users whose `teams` include `teamId`. */
export async function listTeamMembers(store: Store, teamId: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of store.list({ prefix: prefixes.userByTeam(teamId) })) {
    out.push(String(entry.key.at(-1)));
  }
  return out;
}

async function assertTeamsExist(store: Store, teams: readonly string[]): Promise<void> {
  for (const teamId of teams) {
    // Teams are never deleted, so a read before the commit suffices.
    if (!await getTeam(store, teamId)) {
      throw new RecordError(
        "missing_reference",
        `Cannot add user to team '${teamId}': the team does not exist`,
        {
          field: "teams",
          code: "team_not_found",
        },
      );
    }
  }
}
