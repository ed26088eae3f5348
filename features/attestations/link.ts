import { linkKind } from "@/lib/mailed-link";
import { lockRow, lockRowByTokenHash } from "@/lib/row-lock";

/** A re-attestation's link to the member's contact; closed once the member is removed. */
export const ATTESTATION_LINK = linkKind({
  table: "Attestation",
  // The member's own writers (a reminder, an extension, a handover's new link) lock the member first: so does an answer.
  async lock(tx, tokenHash) {
    const found = await tx.attestation.findUnique({ where: { tokenHash }, select: { memberId: true } });
    if (!found) return null;
    await lockRow(tx, "Member", found.memberId);
    return lockRowByTokenHash(tx, "Attestation", tokenHash);
  },
  load: (tx, id) => tx.attestation.findUniqueOrThrow({ where: { id }, include: { member: true } }),
  closed: (link) => link.member.status === "REMOVED",
  used: (link) => link.status === "CONFIRMED",
  expired: (link, now) => link.status === "LAPSED" || link.dueAt <= now,
  order: ["closed", "used", "expired"],
  answers: {
    unknown: "This link is not valid. If a newer one was mailed to you, use that one.",
    closed: "This member is no longer on the list.",
    used: "You already answered. Thank you.",
    expired: "This link has expired. Ask the security team for more time.",
  },
});
