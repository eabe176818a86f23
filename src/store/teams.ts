/**
 * Writes to team records.
 * @module
 */
import { RecordError, recordNotFound } from "./errors.ts";
import { definedFields, type TeamRecord } from "./api_keys.ts";
import { teamKey } from "./keys.ts";
import { raiseAuthEpoch } from "./auth_epoch.ts";
import { commit, commitWithRetry } from "./commit.ts";
import type { Store } from "./store.ts";

/**
 * Stores a new team.
 * @throws {ApiError} 400 when a team with this id exists
 */
export async function createTeam(store: Store, record: TeamRecord): Promise<TeamRecord> {
  await commitWithRetry("create team", async () => {
    const entry = await store.get<TeamRecord>(teamKey(record.teamId));
    if (entry.value) {
      throw new RecordError(
        "exists",
        `Cannot create team '${record.teamId}': the team already exists`,
        {
          field: "team_id",
          code: "duplicate_team",
        },
      );
    }
    return commit(store.atomic().check(entry).set(teamKey(record.teamId), record));
  });
  return record;
}

/** Team fields that {@linkcode updateTeam} may change. */
export type TeamChange = Partial<
  Pick<
    TeamRecord,
    "teamAlias" | "models" | "maxBudget" | "budgetDuration" | "budgetResetAt" | "spend" | "metadata"
  >
>;

/**
 * Applies `change` to a team; undefined fields stay. A new `models` list
 * takes effect for the team's keys on their next request.
 * @returns the updated record
 * @throws {ApiError} 404 for an unknown team
 */
export async function updateTeam(
  store: Store,
  teamId: string,
  change: TeamChange,
): Promise<TeamRecord> {
  let next: TeamRecord | undefined;
  await commitWithRetry("update team", async () => {
    const entry = await store.get<TeamRecord>(teamKey(teamId));
    if (!entry.value) throw recordNotFound("team", teamId, "team_id");
    next = { ...entry.value, ...definedFields(change) };
    return commit(raiseAuthEpoch(store.atomic().check(entry).set(teamKey(teamId), next)));
  });
  return next!;
}
