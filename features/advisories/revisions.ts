import { currentRecipients } from "@/features/advisories/release";
import { type AdvisorySnapshot, snapshotHash, snapshotOf, snapshotText } from "@/features/advisories/snapshot";
import { recordAuditEvent } from "@/features/audit/mutations";
import type { TeamViewer } from "@/features/auth/data";
import { compose, type MailMessage } from "@/features/mail/templates";
import type { PortalContext } from "@/features/portal-config/context";
import type { Prisma } from "@/generated/prisma/client";
import { type ActionResult, failure } from "@/lib/action-result";
import { type DiffLine, diffLines } from "@/lib/line-diff";
import { utcText } from "@/lib/utc";

// A change after sending is a new revision: the content as it now is, kept
// beside the earlier ones, and every current recipient told what changed
// (one message each), with the link to the advisory (recipients sign in to
// read it; no new token is made).

export type RevisionKind = "CHANGED" | "EARLIER" | "LATER";

export const NOTHING_CHANGED = "Nothing changed since the revision the recipients have: there is nothing to send.";

/** What changed between two revisions' snapshots, line by line. */
export function revisionDiff(before: AdvisorySnapshot, after: AdvisorySnapshot): DiffLine[] {
  return diffLines(snapshotText(before), snapshotText(after));
}

const MARK = { same: " ", added: "+", removed: "-" } as const;

/** The diff as plain text: the changed lines with `around` unchanged lines of context, gaps shown as "…". */
export function diffText(lines: DiffLine[], around = 2): string {
  const near = lines.map((_, index) =>
    lines.slice(Math.max(0, index - around), index + around + 1).some((line) => line.kind !== "same"),
  );
  const out: string[] = [];
  let skipped = false;
  lines.forEach((line, index) => {
    if (!near[index]) {
      skipped = true;
      return;
    }
    if (skipped && out.length > 0) out.push("  …");
    skipped = false;
    out.push(`${MARK[line.kind]} ${line.text}`);
  });
  return out.join("\n");
}

const SECTIONS: [keyof AdvisorySnapshot, string][] = [
  ["title", "Title"],
  ["cveIds", "CVE"],
  ["ghsaIds", "GHSA"],
  ["cvssVector", "CVSS"],
  ["disclosureAt", "Planned public disclosure"],
  ["emergencyReason", "Short notice (emergency)"],
  ["affectedVersions", "Affected versions"],
  ["fixedVersions", "Fixed versions"],
  ["description", "Description"],
  ["mitigations", "Mitigations"],
  ["reproduction", "Reproduction"],
  ["patchLinks", "Patches (links)"],
  ["patches", "Patch files"],
  ["mayDo", "You may"],
  ["mayNotDo", "You may not"],
];

/** JSON with every object's keys sorted: a snapshot read back from jsonb has its keys in another order. */
const stable = (value: unknown) =>
  JSON.stringify(value ?? null, (_key, item) =>
    item && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );

/** The names of the sections that differ (what a link-only mail says changed). */
export function changedSections(before: AdvisorySnapshot, after: AdvisorySnapshot): string[] {
  return SECTIONS.filter(([key]) => stable(before[key]) !== stable(after[key])).map(([, label]) => label);
}

type RevisionMail = {
  advisoryId: string;
  firstCve: string;
  title: string;
  number: number;
  reason: string;
  before: AdvisorySnapshot;
  after: AdvisorySnapshot;
  mailFullText: boolean;
};

function revisionMail(to: string, given: RevisionMail, context: PortalContext): MailMessage {
  const { before, after } = given;
  const dateMoved = before.disclosureAt !== after.disclosureAt;
  return compose(to, `[EMBARGOED] ${given.firstCve}: ${given.title} (revision ${given.number})`, [
    {
      text: `The ${context.project} security team revised this embargoed advisory: this is revision ${given.number}. It is still under embargo: keep it to the people who must act on it, under the advisory's rules of use.`,
    },
    { text: "Why it changed:" },
    { quote: given.reason },
    {
      text: dateMoved
        ? `Planned public disclosure: moved from ${utcText(before.disclosureAt)} to ${utcText(after.disclosureAt)}.`
        : `Planned public disclosure: unchanged, ${utcText(after.disclosureAt)}.`,
    },
    given.mailFullText
      ? { text: `What changed ("-" removed, "+" added):\n\n${diffText(revisionDiff(before, after))}` }
      : {
          text: `What changed: ${changedSections(before, after).join(", ")}. Read the changes on the advisory's page.`,
        },
    {
      link: `${context.baseUrl}/advisories/${given.advisoryId}`,
      label: "Read the advisory (sign in with this address)",
    },
    { text: `Please acknowledge revision ${given.number} on the advisory's page.` },
  ]);
}

/**
 * Writes revision N+1 of a sent advisory from its current content and patch
 * files, and mails every current recipient. The caller has locked the
 * advisory's row and changed it in the same transaction. Refused when the
 * content equals the revision the recipients have, or without a reason.
 */
export async function reviseAdvisory(
  tx: Prisma.TransactionClient,
  actor: TeamViewer,
  advisory: { id: string },
  kind: RevisionKind,
  reason: string,
  context: PortalContext,
): Promise<ActionResult<{ revision: number }>> {
  const row = await tx.advisory.findUniqueOrThrow({ where: { id: advisory.id } });
  if (row.state !== "EMBARGOED") return failure("Only a sent advisory under embargo gets revisions.");
  const patches = await tx.advisoryPatch.findMany({
    where: { advisoryId: row.id, removedAt: null },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { fileName: true, sha256: true },
  });
  const after = snapshotOf(row, patches);
  const last = await tx.advisoryRevision.findUniqueOrThrow({
    where: { advisoryId_number: { advisoryId: row.id, number: row.revision } },
    select: { snapshot: true, contentHash: true },
  });
  const before = last.snapshot as unknown as AdvisorySnapshot;
  const contentHash = snapshotHash(after);
  if (contentHash === last.contentHash || snapshotText(before) === snapshotText(after)) return failure(NOTHING_CHANGED);
  if (reason.trim() === "") return failure("Say why it changes: the recipients are told.");

  const moved = new Date(after.disclosureAt).getTime() - new Date(before.disclosureAt).getTime();
  const revisionKind = moved < 0 ? "EARLIER" : moved > 0 ? "LATER" : kind;
  const number = row.revision + 1;
  await tx.advisoryRevision.create({
    data: {
      advisoryId: row.id,
      number,
      kind: revisionKind,
      reason,
      snapshot: after as unknown as Prisma.InputJsonValue,
      contentHash,
      disclosureAt: row.disclosureAt,
      createdById: actor.id,
    },
  });
  await tx.advisory.update({ where: { id: row.id }, data: { revision: number } });

  const recipients = await currentRecipients(tx, row.id);
  const given: RevisionMail = {
    advisoryId: row.id,
    firstCve: row.cveIds[0] ?? "",
    title: row.title,
    number,
    reason,
    before,
    after,
    mailFullText: row.mailFullText,
  };
  if (recipients.length > 0) {
    const mails = await tx.outboxMail.createManyAndReturn({
      data: recipients.map(({ address }) => revisionMail(address, given, context)),
      select: { id: true, to: true },
    });
    // Each recipient's latest message, whose delivery the team's view shows: one statement for them all.
    await tx.$executeRaw`
      UPDATE "AdvisoryRecipient" AS r SET "mailId" = m.id
        FROM unnest(${mails.map((mail) => mail.id)}::text[], ${mails.map((mail) => mail.to)}::text[]) AS m(id, address)
       WHERE r."advisoryId" = ${row.id} AND r.address = m.address`;
  }
  await recordAuditEvent(tx, {
    actor,
    action: "advisory.revised",
    subjectType: "Advisory",
    subjectId: row.id,
    data: {
      revision: number,
      kind: revisionKind,
      contentHash,
      previousHash: last.contentHash,
      recipients: recipients.length,
    },
  });
  return { ok: true, revision: number };
}
