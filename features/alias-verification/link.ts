import { isIn, WITHDRAWABLE_STATES } from "@/features/vocabulary/application-states";
import { lockApplication } from "@/features/workflow/lock";
import { linkKind } from "@/lib/mailed-link";

/** An address's confirmation link, read under its application's lock (the decision it may complete sees every vote). */
export const ADDRESS_LINK = linkKind({
  table: "AliasVerification",
  async load(tx, id) {
    const { applicationId } = await tx.aliasVerification.findUniqueOrThrow({
      where: { id },
      select: { applicationId: true },
    });
    const application = await lockApplication(tx, applicationId);
    if (!application) return null;
    const verification = await tx.aliasVerification.findUniqueOrThrow({ where: { id } });
    return { ...verification, application };
  },
  used: (link) => link.verifiedAt !== null,
  expired: (link, now) => link.expiresAt <= now,
  closed: (link) => !isIn(WITHDRAWABLE_STATES, link.application.state),
  answers: {
    unknown: "This link is not valid. Ask the applicant to send a new one.",
    used: "This link was already used: the address is confirmed. Nothing more to do.",
    expired: "This link has expired. Ask the applicant to send a new one from the portal.",
    closed: "This application is closed: there is nothing to confirm.",
  },
});
