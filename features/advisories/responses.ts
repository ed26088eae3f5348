import { type AdvisoryReader, advisoryReader } from "@/features/advisories/access";
import type { AdvisoryReportInput, LeakReportInput } from "@/features/advisories/schema";
import { recordAuditEvent } from "@/features/audit/mutations";
import type { Viewer } from "@/features/auth/data";
import { enqueueMails } from "@/features/mail/mutations";
import { compose } from "@/features/mail/templates";
import type { PortalContext } from "@/features/portal-config/context";
import { Prisma } from "@/generated/prisma/client";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";
import { lockRow } from "@/lib/row-lock";

// What a recipient sends back: the acknowledgement of the current revision
// (receipt and rules of use, once per member), patch-test reports, and a
// leak report. Only a current recipient may: the team reads, but never
// answers for a member.

type Tx = Prisma.TransactionClient;
type Recipient = Extract<AdvisoryReader, { kind: "recipient" }>;

const TEAM_CANNOT_ANSWER = failure(
  "Only a member's recipient answers an advisory; the team cannot answer for a member.",
);

/** The reader as a current recipient, with the advisory locked; the team and everyone else refused. */
async function asRecipient(tx: Tx, reader: Viewer, advisoryId: string): Promise<Recipient | ActionResult> {
  const access = await advisoryReader(tx, reader, advisoryId);
  if (!access) return NOT_FOUND;
  if (access.kind === "team") return TEAM_CANNOT_ANSWER;
  await lockRow(tx, "Advisory", advisoryId);
  return access;
}

const isRecipient = (value: Recipient | ActionResult): value is Recipient =>
  "kind" in value && value.kind === "recipient";

const actorOf = (recipient: Recipient) => ({ id: recipient.viewer.id, email: recipient.viewer.email });

/** Receipt and rules of use of the current revision, in one step, once per member and revision. */
export async function acknowledgeAdvisory(
  db: Database,
  reader: Viewer,
  advisoryId: string,
  revision: number,
): Promise<ActionResult> {
  return db
    .$transaction(async (tx) => {
      const recipient = await asRecipient(tx, reader, advisoryId);
      if (!isRecipient(recipient)) return recipient;
      const advisory = await tx.advisory.findUniqueOrThrow({ where: { id: advisoryId }, select: { revision: true } });
      if (revision !== advisory.revision) {
        return failure(`Revision ${advisory.revision} is the current one: read it, then acknowledge it.`);
      }
      const earlier = await tx.advisoryAcknowledgement.findUnique({
        where: { advisoryId_memberId_revision: { advisoryId, memberId: recipient.memberId, revision } },
        select: { address: true },
      });
      if (earlier) return failure(`Revision ${revision} was already acknowledged by ${earlier.address}.`);
      await tx.advisoryAcknowledgement.create({
        data: { advisoryId, memberId: recipient.memberId, revision, address: recipient.address },
      });
      await recordAuditEvent(tx, {
        actor: actorOf(recipient),
        action: "advisory.acknowledged",
        subjectType: "Advisory",
        subjectId: advisoryId,
        data: { memberId: recipient.memberId, recipientId: recipient.recipientId, revision },
      });
      return { ok: true };
    })
    .catch((error: unknown) => {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        return failure(`Revision ${revision} was already acknowledged for your member.`);
      }
      throw error;
    });
}

/** A patch-test report ("contributing back"); a member may file several. */
export async function fileAdvisoryReport(
  db: Database,
  reader: Viewer,
  advisoryId: string,
  input: Omit<AdvisoryReportInput, "advisoryId">,
): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    const recipient = await asRecipient(tx, reader, advisoryId);
    if (!isRecipient(recipient)) return recipient;
    const advisory = await tx.advisory.findUniqueOrThrow({
      where: { id: advisoryId },
      select: { revision: true, affectedVersions: true },
    });
    const versions = advisory.affectedVersions;
    let affectedVersion = input.affectedVersion;
    if (versions.length > 1 && !versions.includes(affectedVersion)) {
      const message = "Choose the affected version you tested.";
      return { ...failure(message), fieldErrors: { affectedVersion: [message] } };
    }
    if (versions.length <= 1) affectedVersion = versions[0] ?? "";
    if (input.outcome === "PROBLEM" && !input.details.trim()) {
      const message = "Describe the problem you found";
      return { ...failure(message), fieldErrors: { details: [message] } };
    }
    const report = await tx.advisoryReport.create({
      data: {
        advisoryId,
        memberId: recipient.memberId,
        revision: advisory.revision,
        affectedVersion,
        outcome: input.outcome,
        details: input.details,
        shared: input.shared,
        address: recipient.address,
      },
      select: { id: true },
    });
    await recordAuditEvent(tx, {
      actor: actorOf(recipient),
      action: "advisory.reported",
      subjectType: "Advisory",
      subjectId: advisoryId,
      data: {
        reportId: report.id,
        memberId: recipient.memberId,
        revision: advisory.revision,
        outcome: input.outcome,
        shared: input.shared,
      },
    });
    return { ok: true };
  });
}

const oneLine = (value: string) =>
  value
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();

/**
 * A recipient reports a leak with the policy's four answers; every team
 * member is mailed at once, with the member's name and the advisory's link
 * only (the report is read on the advisory's page).
 */
export async function reportLeak(
  db: Database,
  reader: Viewer,
  advisoryId: string,
  input: Omit<LeakReportInput, "advisoryId">,
  context: PortalContext,
): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    const recipient = await asRecipient(tx, reader, advisoryId);
    if (!isRecipient(recipient)) return recipient;
    const { whatLeaked, toWhom, leakedAt, prevention } = input;
    if (![whatLeaked, toWhom, leakedAt, prevention].every((answer) => answer.trim().length > 0)) {
      return failure("Answer all four questions: what leaked, to whom, when, and what you will do.");
    }
    const leak = await tx.advisoryLeakReport.create({
      data: {
        advisoryId,
        memberId: recipient.memberId,
        address: recipient.address,
        whatLeaked,
        toWhom,
        leakedAt,
        prevention,
      },
      select: { id: true, member: { select: { distributionName: true, organisation: true } } },
    });
    const team = await tx.teamMember.findMany({ select: { email: true }, orderBy: { email: "asc" } });
    const name = oneLine(leak.member.distributionName);
    const url = `${context.baseUrl}/advisories/${advisoryId}`;
    await enqueueMails(
      tx,
      team.map(({ email }) =>
        compose(email, `[${oneLine(context.project)} distributors] Leak reported: ${name}`, [
          {
            text: `${name} (${oneLine(leak.member.organisation)}) reported a leak of an embargoed advisory. Read the report on the advisory's page and decide: release earlier, or hold.`,
          },
          { link: url, label: "Open the advisory" },
        ]),
      ),
    );
    await recordAuditEvent(tx, {
      actor: actorOf(recipient),
      action: "advisory.leak-reported",
      subjectType: "Advisory",
      subjectId: advisoryId,
      data: { leakReportId: leak.id, memberId: recipient.memberId, teamMailed: team.length },
    });
    return { ok: true };
  });
}
