import { ADDRESS_LINK } from "@/features/alias-verification/link";
import { recordAuditEvent } from "@/features/audit/mutations";
import type { Viewer } from "@/features/auth/data";
import { enqueueMail } from "@/features/mail/mutations";
import { aliasVerificationMail, listAddressConfirmationMail } from "@/features/mail/templates";
import type { PortalContext } from "@/features/portal-config/context";
import { isIn, WITHDRAWABLE_STATES } from "@/features/vocabulary/application-states";
import { advanceWhenReady } from "@/features/workflow/advance";
import { mailApplicant } from "@/features/workflow/mail-applicant";
import { type AddressState, addressStates, namedAddresses } from "@/features/workflow/readiness";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import { untaggedMailbox } from "@/lib/email";
import { ALIAS_LINK_DAYS, DAY_MS } from "@/lib/link-lifetimes";
import { redeemLink } from "@/lib/mailed-link";
import type { Database } from "@/lib/prisma";
import { consumeLimits, RATE_LIMITS } from "@/lib/rate-limit";
import { newToken } from "@/lib/tokens";

// Every address an application would put on the list (its security alias and
// each address to subscribe) proves itself by its own mailed link, as an
// address added by a member's change request does: nobody is subscribed, and
// no domain counts as the applicant's, on the applicant's word alone.

/** Links a day. The recipient's own limit is what stops the portal being used to flood a stranger. */
export const ADDRESS_LINK_LIMITS = {
  /** To one address for one application: the first link and a few resends. */
  perAddress: RATE_LIMITS["address-link"].limit,
  /** To one mailbox (the address without its +tag, as for sign-in links), whoever asks, from every application together. */
  perRecipient: RATE_LIMITS["address-link-to"].limit,
  /** For one application: its alias and ten list addresses, three times over. */
  perApplication: RATE_LIMITS["address-link-app"].limit,
  /** For all of one applicant's applications: one full application's worth and a few more. */
  perApplicant: RATE_LIMITS["address-link-user"].limit,
} as const;

/** The alias and at most ten list addresses (as submission allows) are mailed; more in a draft are not. */
const MAILED_ADDRESSES = 11;

export type AddressLinksSent = {
  /** Addresses mailed a new link now. */
  sent: string[];
  /** Whether the security alias is among them. */
  aliasSent: boolean;
  /** Addresses that needed a link but had too many today. */
  limited: string[];
  retryAfterSeconds?: number;
};

/**
 * Mails a confirmation link to each of the application's addresses that is
 * neither confirmed nor waiting on an unexpired link; with `resend`, a new
 * link to that one address even if one is waiting. Each address is limited
 * per day for the application and across the portal, and so are the
 * application and the applicant (ADDRESS_LINK_LIMITS).
 */
export async function sendAddressConfirmations(
  db: Database,
  applicant: Viewer,
  applicationId: string,
  context: PortalContext & { resend?: string },
): Promise<ActionResult<AddressLinksSent>> {
  const application = await db.application.findFirst({
    where: { id: applicationId, applicantId: applicant.id },
    select: {
      securityAlias: true,
      listAddresses: true,
      distributionName: true,
      organisation: true,
      state: true,
      aliasVerifications: { select: { address: true, verifiedAt: true, expiresAt: true, createdAt: true } },
    },
  });
  if (!application) return NOT_FOUND;
  if (!isIn(WITHDRAWABLE_STATES, application.state)) return failure("This application is closed.");
  const states = addressStates(application, application.aliasVerifications).slice(0, MAILED_ADDRESSES);
  if (states.length === 0) return failure("Enter the security alias as one e-mail address first.");
  const wanted = context.resend
    ? states.filter((item) => item.address === context.resend && item.state !== "confirmed")
    : states.filter((item) => item.state === "none" || item.state === "expired");
  if (context.resend && wanted.length === 0) {
    return failure("No link was sent: this address is confirmed already, or the application does not name it.");
  }

  const toSend: AddressState[] = [];
  const limited: string[] = [];
  let retryAfterSeconds = 0;
  for (const item of wanted) {
    const limit = await consumeLimits(db, [
      { name: "address-link", subject: `${applicationId}:${item.address}` },
      // By mailbox: victim+1@…, victim+2@… are one stranger's inbox.
      { name: "address-link-to", subject: untaggedMailbox(item.address) },
      { name: "address-link-app", subject: applicationId },
      { name: "address-link-user", subject: applicant.id },
    ]);
    if (limit.ok) toSend.push(item);
    else {
      limited.push(item.address);
      retryAfterSeconds = Math.max(retryAfterSeconds, limit.retryAfterSeconds);
    }
  }
  if (toSend.length > 0) {
    await db.$transaction(async (tx) => {
      for (const item of toSend) {
        const { token, hash } = newToken();
        const verification = await tx.aliasVerification.create({
          data: {
            applicationId,
            address: item.address,
            tokenHash: hash,
            expiresAt: new Date(Date.now() + ALIAS_LINK_DAYS * DAY_MS),
          },
        });
        await recordAuditEvent(tx, {
          actor: applicant,
          action: item.alias ? "alias.verification-sent" : "application.address-link-sent",
          subjectType: "Application",
          subjectId: applicationId,
          data: { address: item.address, alias: item.alias, list: item.list, verificationId: verification.id },
        });
        const facts = {
          project: context.project,
          distributionName: application.distributionName || "(unnamed distribution)",
          organisation: application.organisation || "(organisation not given yet)",
          applicantEmail: applicant.email,
        };
        const url = `${context.baseUrl}/verify-alias/${token}`;
        // The alias's own mail serves an address that is both: one link proves it in either role.
        await enqueueMail(
          tx,
          item.alias
            ? aliasVerificationMail(item.address, facts, url)
            : listAddressConfirmationMail(item.address, facts, url),
        );
      }
    });
  }
  const sent = toSend.map((item) => item.address);
  if (context.resend && limited.length > 0) {
    const hours = Math.ceil(retryAfterSeconds / 3600);
    return {
      ...failure(
        `Too many confirmation links to this address today; try again in about ${hours} hour${hours === 1 ? "" : "s"}.`,
      ),
      retryAfterSeconds,
    };
  }
  const aliasSent = toSend.some((item) => item.alias);
  return { ok: true, sent, aliasSent, limited, ...(limited.length > 0 ? { retryAfterSeconds } : {}) };
}

/**
 * Records that someone reading the address followed its link: single-use,
 * expiring, redeemed under the link's row lock in the transaction that marks
 * it used, and under the application's lock, so that the decision it may
 * complete sees every vote. A link to an address the application no longer
 * names, or of a closed application, confirms nothing.
 */
export async function confirmApplicationAddress(
  db: Database,
  token: string,
  context: PortalContext,
): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    const redeemed = await redeemLink(tx, ADDRESS_LINK, token);
    if (!redeemed.ok) return redeemed;
    const { application, ...verification } = redeemed.link;
    const named = namedAddresses(application).find((item) => item.address === verification.address);
    if (!named) return failure("The applicant no longer names this address: there is nothing to confirm.");
    await tx.aliasVerification.update({ where: { id: verification.id }, data: { verifiedAt: new Date() } });
    await recordAuditEvent(tx, {
      actor: { id: null, email: verification.address },
      action: named.alias ? "alias.verified" : "application.address-confirmed",
      subjectType: "Application",
      subjectId: application.id,
      data: { address: verification.address, alias: named.alias, list: named.list },
    });
    await mailApplicant(tx, context, {
      to: application.applicant.email,
      distributionName: application.distributionName,
      headline: named.alias
        ? `security alias ${verification.address} verified`
        : `address ${verification.address} confirmed`,
      path: `/applications/${application.id}`,
    });
    await advanceWhenReady(tx, application.id, context);
    return { ok: true };
  });
}
