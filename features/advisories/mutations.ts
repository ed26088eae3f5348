// Longer than 250 lines on purpose: every team write to an advisory's content (draft, revision, patch files),
// each under the advisory's row lock and refusing a stale form, kept together.
import { createHash } from "node:crypto";
import { patchFileProblem, safePatchFileName } from "@/features/advisories/patch-file";
import { reviseAdvisory } from "@/features/advisories/revisions";
import type { AdvisoryDraftInput } from "@/features/advisories/schema";
import { editBaseHash, snapshotHash, snapshotOf } from "@/features/advisories/snapshot";
import { recordAuditEvent } from "@/features/audit/mutations";
import type { TeamViewer } from "@/features/auth/data";
import type { PortalContext } from "@/features/portal-config/context";
import type { Prisma } from "@/generated/prisma/client";
import { type ActionFailure, type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";
import { lockRow } from "@/lib/row-lock";

// The team's writes to an advisory's content (a revision once it is sent). Audit
// data keeps ids, revision numbers, sizes and hashes: never the text or a patch.

export const PAST_DATE = "The planned disclosure must be in the future.";
export const PUBLIC_LOCKED = "This advisory is public: its embargo is over and it is no longer edited.";
export const REASON_NEEDED = "Say why it changes: the recipients are told.";
export const CHANGED_SINCE_OPENED =
  "Someone else changed this advisory since you opened the form: reload it, and make your change again on theirs.";

/** A failure that undoes the transaction it is thrown in, answered as a value. */
class Refused extends Error {
  constructor(readonly answer: ActionFailure) {
    super("refused");
  }
}

async function refusable<T>(work: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Refused) return error.answer;
    throw error;
  }
}

const fieldFailure = (field: string, message: string): ActionFailure => ({
  ok: false,
  fieldErrors: { [field]: [message] },
});

const content = (input: AdvisoryDraftInput) => ({
  title: input.title,
  cveIds: input.cveIds,
  ghsaIds: input.ghsaIds,
  cvssVector: input.cvssVector,
  affectedVersions: input.affectedVersions,
  fixedVersions: input.fixedVersions,
  description: input.description,
  mitigations: input.mitigations,
  reproduction: input.reproduction,
  patchLinks: input.patchLinks,
  mayDo: input.mayDo,
  mayNotDo: input.mayNotDo,
  disclosureAt: input.disclosureAt,
  mailFullText: input.mailFullText,
});

async function currentPatches(tx: Prisma.TransactionClient, advisoryId: string) {
  return tx.advisoryPatch.findMany({
    where: { advisoryId, removedAt: null },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, fileName: true, sha256: true },
  });
}

/** The advisory locked for a change, or null when there is none. */
async function lockAdvisory(tx: Prisma.TransactionClient, advisoryId: string) {
  if (!(await lockRow(tx, "Advisory", advisoryId))) return null;
  return tx.advisory.findUniqueOrThrow({ where: { id: advisoryId } });
}

/** A new draft, written by any team member. */
export async function createAdvisoryDraft(
  db: Database,
  actor: TeamViewer,
  input: AdvisoryDraftInput,
  now = new Date(),
): Promise<ActionResult<{ advisoryId: string }>> {
  if (input.disclosureAt.getTime() <= now.getTime()) return fieldFailure("disclosureAt", PAST_DATE);
  return db.$transaction(async (tx) => {
    const advisory = await tx.advisory.create({
      data: { ...content(input), createdById: actor.id },
      select: { id: true },
    });
    await recordAuditEvent(tx, {
      actor,
      action: "advisory.drafted",
      subjectType: "Advisory",
      subjectId: advisory.id,
      data: { cves: input.cveIds.length },
    });
    return { ok: true, advisoryId: advisory.id };
  });
}

/**
 * Edits an advisory. A draft is simply changed (a second member's approval
 * of other content no longer holds); once sent, any change is revision N+1,
 * mailed to the recipients with `reason`. A public advisory is not edited.
 * `baseHash` is the content hash the form was opened on: a form opened
 * before someone else's change is refused rather than silently undoing it.
 */
export async function updateAdvisory(
  db: Database,
  actor: TeamViewer,
  advisoryId: string,
  input: AdvisoryDraftInput,
  reason: string,
  context: PortalContext,
  now = new Date(),
  baseHash?: string,
): Promise<ActionResult<{ revision: number }>> {
  return refusable(() =>
    db.$transaction(async (tx) => {
      const advisory = await lockAdvisory(tx, advisoryId);
      if (!advisory) return NOT_FOUND;
      if (advisory.state === "PUBLIC") return failure(PUBLIC_LOCKED);
      const patches = await currentPatches(tx, advisoryId);
      const beforeHash = snapshotHash(snapshotOf(advisory, patches));
      if (baseHash !== undefined && baseHash !== editBaseHash(advisory)) return failure(CHANGED_SINCE_OPENED);
      const dateChanged = advisory.disclosureAt.getTime() !== input.disclosureAt.getTime();
      if ((advisory.state === "DRAFT" || dateChanged) && input.disclosureAt.getTime() <= now.getTime()) {
        return fieldFailure("disclosureAt", PAST_DATE);
      }
      if (advisory.state === "EMBARGOED" && reason.trim() === "") return fieldFailure("reason", REASON_NEEDED);

      // A release notice (and the warning of its absence) was for the old date: the new one needs its own.
      const renotice =
        advisory.state === "EMBARGOED" && dateChanged ? { releaseNoticeSentAt: null, releaseWarnedAt: null } : {};
      const updated = await tx.advisory.update({ where: { id: advisoryId }, data: { ...content(input), ...renotice } });
      const afterHash = snapshotHash(snapshotOf(updated, patches));

      if (advisory.state === "DRAFT") {
        const changed = beforeHash !== afterHash;
        const approvalCleared = changed && advisory.approvedAt !== null;
        if (approvalCleared) {
          await tx.advisory.update({
            where: { id: advisoryId },
            data: { approvedById: null, approvedHash: null, approvedAt: null },
          });
        }
        await recordAuditEvent(tx, {
          actor,
          action: "advisory.draft-edited",
          subjectType: "Advisory",
          subjectId: advisoryId,
          data: { contentHash: afterHash, changed, approvalCleared },
        });
        return { ok: true, revision: 0 };
      }
      const revised = await reviseAdvisory(tx, actor, advisory, "CHANGED", reason, context);
      // Nothing written stays when the revision is refused (nothing changed).
      if (!revised.ok) throw new Refused(revised);
      return revised;
    }),
  );
}

/** Deletes a draft (with its patch files); a sent advisory is never deleted. */
export async function deleteAdvisoryDraft(db: Database, actor: TeamViewer, advisoryId: string): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    const advisory = await lockAdvisory(tx, advisoryId);
    if (!advisory) return NOT_FOUND;
    if (advisory.state !== "DRAFT") return failure("Only a draft can be deleted: this advisory has been sent.");
    await tx.advisory.delete({ where: { id: advisoryId } });
    await recordAuditEvent(tx, {
      actor,
      action: "advisory.draft-deleted",
      subjectType: "Advisory",
      subjectId: advisoryId,
      data: {},
    });
    return { ok: true };
  });
}

/** Adds a patch file; after sending it is a new revision (with `reason`). */
export async function addAdvisoryPatch(
  db: Database,
  actor: TeamViewer,
  advisoryId: string,
  file: { fileName: string; bytes: Uint8Array },
  context: PortalContext,
  reason = "",
): Promise<ActionResult<{ patchId: string; sha256: string }>> {
  const problem = patchFileProblem(file.fileName, file.bytes, context.advisories.maxPatchBytes);
  if (problem) return fieldFailure("file", problem);
  const fileName = safePatchFileName(file.fileName);
  const sha256 = createHash("sha256").update(file.bytes).digest("hex");
  return refusable(() =>
    db.$transaction(async (tx) => {
      const advisory = await lockAdvisory(tx, advisoryId);
      if (!advisory) return NOT_FOUND;
      if (advisory.state === "PUBLIC") return failure(PUBLIC_LOCKED);
      if (advisory.state === "EMBARGOED" && reason.trim() === "") return fieldFailure("reason", REASON_NEEDED);
      const patches = await currentPatches(tx, advisoryId);
      if (patches.some((patch) => patch.fileName === fileName)) {
        return fieldFailure("file", `A patch named ${fileName} is already attached: remove it first.`);
      }
      const patch = await tx.advisoryPatch.create({
        data: { advisoryId, fileName, content: new Uint8Array(file.bytes), sha256, size: file.bytes.byteLength },
        select: { id: true },
      });
      await recordAuditEvent(tx, {
        actor,
        action: "advisory.patch-added",
        subjectType: "Advisory",
        subjectId: advisoryId,
        data: { patchId: patch.id, sha256, size: file.bytes.byteLength },
      });
      if (advisory.state === "EMBARGOED") {
        const revised = await reviseAdvisory(tx, actor, advisory, "CHANGED", reason, context);
        if (!revised.ok) throw new Refused(revised);
      }
      return { ok: true, patchId: patch.id, sha256 };
    }),
  );
}

/** Removes a patch file: a draft's is deleted; a sent advisory's stays for earlier revisions, and it is a revision. */
export async function removeAdvisoryPatch(
  db: Database,
  actor: TeamViewer,
  advisoryId: string,
  patchId: string,
  context: PortalContext,
  reason = "",
): Promise<ActionResult> {
  return refusable(() =>
    db.$transaction(async (tx) => {
      const advisory = await lockAdvisory(tx, advisoryId);
      if (!advisory) return NOT_FOUND;
      const patch = await tx.advisoryPatch.findFirst({
        where: { id: patchId, advisoryId, removedAt: null },
        select: { id: true, sha256: true },
      });
      if (!patch) return NOT_FOUND;
      if (advisory.state === "PUBLIC") return failure(PUBLIC_LOCKED);
      if (advisory.state === "EMBARGOED" && reason.trim() === "") return fieldFailure("reason", REASON_NEEDED);
      if (advisory.state === "DRAFT") await tx.advisoryPatch.delete({ where: { id: patch.id } });
      else await tx.advisoryPatch.update({ where: { id: patch.id }, data: { removedAt: new Date() } });
      await recordAuditEvent(tx, {
        actor,
        action: "advisory.patch-removed",
        subjectType: "Advisory",
        subjectId: advisoryId,
        data: { patchId: patch.id, sha256: patch.sha256 },
      });
      if (advisory.state === "EMBARGOED") {
        const revised = await reviseAdvisory(tx, actor, advisory, "CHANGED", reason, context);
        if (!revised.ok) throw new Refused(revised);
      }
      return { ok: true };
    }),
  );
}
