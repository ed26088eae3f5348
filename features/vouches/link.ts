import { lockApplication } from "@/features/workflow/lock";
import { linkKind } from "@/lib/mailed-link";

export const MOVED_MESSAGE =
  "This request passed to the member's new contact after a contact handover; this link no longer works.";
export const ENDED_MESSAGE = "This request ended: the member is no longer on the list. Nothing was recorded.";

/**
 * A vouch request's link, read under its application's lock (taken after
 * the vouch's, as moves take them), so that the decision an answer may
 * complete sees every vote. Closed when the request moved or ended.
 */
export const VOUCH_LINK = linkKind({
  table: "Vouch",
  async load(tx, id) {
    const { applicationId } = await tx.vouch.findUniqueOrThrow({ where: { id }, select: { applicationId: true } });
    await lockApplication(tx, applicationId);
    return tx.vouch.findUniqueOrThrow({
      where: { id },
      include: {
        member: { select: { status: true, contactEmail: true, orgDomains: true } },
        application: {
          select: {
            id: true,
            state: true,
            distributionName: true,
            orgDomains: true,
            securityAlias: true,
            listAddresses: true,
            voucherEmail: true,
            applicant: { select: { email: true } },
          },
        },
      },
    });
  },
  closed: (link) => link.status === "MOVED" || link.status === "ENDED",
  used: (link) => link.status !== "PENDING",
  expired: (link, now) => link.expiresAt <= now,
  order: ["closed", "used", "expired"],
  answers: {
    unknown: "This link is not valid.",
    closed: (link) => (link.status === "MOVED" ? MOVED_MESSAGE : ENDED_MESSAGE),
    used: "You have already answered this request. Thank you.",
    expired: "This request has expired; the applicant can ask again.",
  },
});
