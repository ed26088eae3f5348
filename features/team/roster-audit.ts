import { z } from "zod";
import { TEAM_ROLES } from "@/features/vocabulary/roles";
import type { SqlQuery } from "@/lib/restore";

// The roster as the audit log tells it. Every change to the team writes an
// event in the same transaction (features/team/mutations.ts), so replaying
// the TeamMember events gives exactly the rows of TeamMember: anyone on the
// roster that no event put there, or in another role, was put there by hand
// or by a crafted file. Restore refuses such a backup (lib/restore.ts).

const Added = z.object({ email: z.string(), role: z.enum(TEAM_ROLES) });
const RoleChanged = z.object({ email: z.string(), to: z.enum(TEAM_ROLES) });
const Bootstrapped = z.object({ email: z.string() });

type Entry = { email: string; role: string };

/** The roster the audit log's team events leave, by TeamMember id; a malformed event is named instead. */
function replay(
  events: { id: string; subjectId: string; action: string; data: string }[],
): Map<string, Entry> | string {
  const roster = new Map<string, Entry>();
  for (const event of events) {
    const data: unknown = JSON.parse(event.data);
    const parsed =
      event.action === "team.added"
        ? Added.safeParse(data)
        : event.action === "team.role-changed"
          ? RoleChanged.transform(({ email, to }) => ({ email, role: to })).safeParse(data)
          : Bootstrapped.transform(({ email }) => ({ email, role: "OWNER" as const })).safeParse(data);
    if (!parsed.success) return `audit event ${event.id} (${event.action}) does not say whom it changed`;
    if (event.action === "team.removed") roster.delete(event.subjectId);
    else roster.set(event.subjectId, parsed.data);
  }
  return roster;
}

/** Whether the TeamMember rows are exactly the roster the audit log's events leave. */
export async function checkRosterAgainstAuditLog(query: SqlQuery): Promise<{ ok: boolean; text: string }> {
  const events = await query<{ id: string; subjectId: string; action: string; data: string }>(
    `SELECT id::text AS id, "subjectId", action, data::text AS data FROM "AuditEvent"
      WHERE "subjectType" = 'TeamMember'
        AND action IN ('team.added', 'team.role-changed', 'team.removed', 'team.owner-bootstrapped')
      ORDER BY "AuditEvent".id`,
  );
  const rows = await query<{ id: string; email: string; role: string }>(
    `SELECT id, email, role::text AS role FROM "TeamMember" ORDER BY email`,
  );
  const roster = replay(events);
  if (typeof roster === "string") return { ok: false, text: `the team roster cannot be checked: ${roster}` };
  const problems: string[] = [];
  for (const row of rows) {
    const entry = roster.get(row.id);
    const who = `${row.role.toLowerCase()} ${row.email} (TeamMember ${JSON.stringify(row.id)})`;
    if (!entry) problems.push(`${who} is on the team, but no audit event put them there`);
    else if (entry.email !== row.email || entry.role !== row.role) {
      problems.push(`${who} is on the team, but the audit log has them as ${entry.role.toLowerCase()} ${entry.email}`);
    }
  }
  for (const [id, entry] of roster) {
    if (!rows.some((row) => row.id === id)) {
      problems.push(
        `${entry.role.toLowerCase()} ${entry.email} is missing from the team, though no audit event removed them`,
      );
    }
  }
  if (problems.length === 0) return { ok: true, text: `team roster matches the audit log: ${rows.length} member(s)` };
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : "";
  return { ok: false, text: `the team roster does not match the audit log: ${problems.slice(0, 3).join("; ")}${more}` };
}
