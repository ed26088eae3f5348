import { randomBytes } from "node:crypto";
import { advisoryReader, currentRecipientWhere } from "@/features/advisories/access";
import { recordAuditEvent } from "@/features/audit/mutations";
import { hashSessionToken } from "@/features/auth/adapter";
import type { Viewer } from "@/features/auth/data";
import type { Prisma } from "@/generated/prisma/client";
import type { ActionResult } from "@/lib/action-result";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/link-lifetimes";
import { linkKind, redeemLink } from "@/lib/mailed-link";
import type { Database } from "@/lib/prisma";

// An advisory's link, one per recipient address. A GET of its page shows
// only a button (mail scanners fetch links); the button's POST records the
// first view and opens the advisory: the address is signed in by the first
// use of the link for signing in, and asked to sign in with the usual
// e-mailed link after that (a forwarded mail gives one sign-in, not a key).
// A link signs in only within LINK_SIGNS_IN_DAYS of being mailed (a mail
// left in a shared ticket system or an archive is not a key months later),
// and never as an address with more to do in the portal than reading (the
// team's, a member's contact's, who can ask for address changes and hand the
// role over, an applicant's).

type Tx = Prisma.TransactionClient;

const SIGNED_IN_BY_LINK = "advisory-link";
/** How long after its mail a link may still sign its address in (after that, the usual e-mailed sign-in). */
export const LINK_SIGNS_IN_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export const ADVISORY_LINK = linkKind({
  table: "AdvisoryRecipient",
  async load(tx, id) {
    const link = await tx.advisoryRecipient.findUnique({
      where: { id },
      select: {
        id: true,
        advisoryId: true,
        memberId: true,
        address: true,
        tokenHash: true,
        firstSeenAt: true,
        createdAt: true,
        advisory: { select: { state: true, revision: true } },
      },
    });
    if (!link) return null;
    const current = await tx.advisoryRecipient.count({
      where: { id, ...currentRecipientWhere(link.advisoryId, link.address) },
    });
    return { ...link, draft: link.advisory.state === "DRAFT", current: current > 0 };
  },
  used: () => false,
  expired: () => false,
  closed: (link) => link.draft || !link.current,
  order: ["closed"],
  answers: {
    unknown: "This link is not valid. If the advisory was mailed to you again, use the newest link.",
    used: "",
    expired: "",
    closed: (link) =>
      link.draft
        ? "This link is not valid. If the advisory was mailed to you again, use the newest link."
        : "This link is closed: the address it was sent to is no longer on the list for its member.",
  },
});

export type AdvisoryLinkOpened =
  /** The reader is signed in as the address already, or was just signed in (`session` to set as the cookie). */
  | { next: "advisory"; advisoryId: string; session?: { token: string; expires: Date } }
  /** The link has signed in once before: the reader signs in with the usual e-mailed link. */
  | { next: "sign-in"; advisoryId: string };

/**
 * The link page's button: refused when the link is unknown or closed; the
 * first view per address recorded (firstSeenAt, audited once); then the
 * advisory, signing the address in when this link has never signed anyone
 * in (a team member's address is never signed in by a link).
 */
export async function openAdvisoryLink(
  db: Database,
  token: string,
  viewer: Viewer | null,
  currentSessionToken?: string,
  now = new Date(),
): Promise<ActionResult<AdvisoryLinkOpened>> {
  return db.$transaction(async (tx) => {
    const redeemed = await redeemLink(tx, ADVISORY_LINK, token);
    if (!redeemed.ok) return redeemed;
    const { link } = redeemed;
    if (!link.firstSeenAt) {
      await tx.advisoryRecipient.update({ where: { id: link.id }, data: { firstSeenAt: now } });
      await recordAuditEvent(tx, {
        actor: { id: viewer?.email === link.address ? viewer.id : null, email: link.address },
        action: "advisory.seen",
        subjectType: "Advisory",
        subjectId: link.advisoryId,
        data: { recipientId: link.id, memberId: link.memberId, revision: link.advisory.revision },
      });
    }
    // Signed in as the address, or as anyone else who may read it (the team, another of the member's addresses):
    // straight to the advisory, nobody's session changed.
    if (viewer && (viewer.email === link.address || (await advisoryReader(tx, viewer, link.advisoryId)))) {
      return { ok: true, next: "advisory", advisoryId: link.advisoryId };
    }
    if (
      (await mayNotSignIn(tx, link.address)) ||
      (await mailedBefore(tx, link, now)) ||
      (await signedInBefore(tx, link.id, link.tokenHash))
    ) {
      return { ok: true, next: "sign-in", advisoryId: link.advisoryId };
    }
    const session = await signInAs(tx, link, currentSessionToken, now);
    return { ok: true, next: "advisory", advisoryId: link.advisoryId, session };
  });
}

/**
 * An address with more to do in the portal than read advisories (a team
 * member's, a member's contact's, an applicant's): never signed in by a link.
 */
async function mayNotSignIn(tx: Tx, address: string): Promise<boolean> {
  const [team, contact, applicant] = await Promise.all([
    tx.teamMember.count({ where: { email: address } }),
    tx.member.count({ where: { contactEmail: address } }),
    tx.application.count({ where: { applicant: { email: address } } }),
  ]);
  return team + contact + applicant > 0;
}

/**
 * Whether this link was mailed more than LINK_SIGNS_IN_DAYS ago: when the
 * recipient was added, or when the team last re-sent to its member (which
 * gave it this token).
 */
async function mailedBefore(
  tx: Tx,
  link: { advisoryId: string; memberId: string; createdAt: Date },
  now: Date,
): Promise<boolean> {
  const resent = await tx.auditEvent.findFirst({
    where: {
      subjectType: "Advisory",
      subjectId: link.advisoryId,
      action: "advisory.resent",
      data: { path: ["memberId"], equals: link.memberId },
    },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  const mailedAt = Math.max(link.createdAt.getTime(), resent?.createdAt.getTime() ?? 0);
  return now.getTime() - mailedAt > LINK_SIGNS_IN_DAYS * DAY_MS;
}

async function signedInBefore(tx: Tx, recipientId: string, tokenHash: string): Promise<boolean> {
  const found = await tx.auditEvent.findFirst({
    where: {
      subjectType: "AdvisoryRecipient",
      subjectId: recipientId,
      action: "auth.signed-in",
      data: { path: ["linkHash"], equals: tokenHash },
    },
    select: { id: true },
  });
  return found !== null;
}

/**
 * What next-auth's e-mail callback does on a valid link: the user found (or
 * made) by the address and marked verified, the session of another user in
 * this browser ended, a database session opened and the sign-in audited. The
 * audit event, keyed by the link's hash, is also the record that this link
 * has signed someone in.
 */
async function signInAs(
  tx: Tx,
  link: { id: string; address: string; advisoryId: string; tokenHash: string },
  currentSessionToken: string | undefined,
  now: Date,
): Promise<{ token: string; expires: Date }> {
  const user = await tx.user.upsert({
    where: { email: link.address },
    create: { email: link.address, emailVerified: now },
    update: { emailVerified: now },
    select: { id: true, email: true },
  });
  if (currentSessionToken) {
    await tx.session.deleteMany({
      where: { sessionToken: hashSessionToken(currentSessionToken), userId: { not: user.id } },
    });
  }
  const token = randomBytes(32).toString("hex");
  const expires = new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000);
  await tx.session.create({ data: { sessionToken: hashSessionToken(token), userId: user.id, expires } });
  await recordAuditEvent(tx, {
    actor: user,
    action: "auth.signed-in",
    subjectType: "AdvisoryRecipient",
    subjectId: link.id,
    data: { provider: SIGNED_IN_BY_LINK, advisoryId: link.advisoryId, linkHash: link.tokenHash },
  });
  return { token, expires };
}
