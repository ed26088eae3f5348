import type { IdentityFields } from "@/features/applications/schema";
import type { Viewer } from "@/features/auth/data";
import { EDITABLE_STATES, isIn, OPEN_STATES, STATE_LABELS } from "@/features/vocabulary/application-states";
import { ON_THE_LIST } from "@/features/vocabulary/member-states";
import type { Prisma } from "@/generated/prisma/client";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import { domainAndParents, domainOf } from "@/lib/email";
import { organisationKey } from "@/lib/organisation-key";
import type { Database } from "@/lib/prisma";
import { consumeLimit, RATE_LIMITS } from "@/lib/rate-limit";

/**
 * A duplicate found at submission, or by the early check of a draft.
 * `name` and `href` only for the applicant's own: their other application,
 * or the membership whose contact they are. `contact`, the member's contact
 * address, only for someone whose own address is at the member's domains
 * (they proved that mailbox by signing in): they are told whom to ask.
 */
export type Conflict = {
  kind: "member" | "application";
  name: string | null;
  href: string | null;
  contact?: string | null;
};

type Candidate = {
  id: string;
  applicantId: string;
  applicantEmail: string;
  organisationKey: string;
  orgDomains: string[];
  listAddresses: string[];
};

/**
 * An existing member or another open application for the same organisation,
 * domain or list address: the applicant is pointed at it instead of filing a
 * duplicate. Only the applicant's own other application is named and linked.
 */
export async function findDuplicate(tx: Prisma.TransactionClient, candidate: Candidate): Promise<Conflict | null> {
  // A subdomain of a member's domain, or an address at one, is the same organisation.
  const domains = [
    ...new Set(
      [...candidate.orgDomains, ...candidate.listAddresses.map(domainOf)].flatMap((domain) => domainAndParents(domain)),
    ),
  ];
  // A name with no letters or digits has an empty key, which names no organisation.
  const byName = candidate.organisationKey !== "";
  if (!byName && domains.length === 0) return null;
  const member = await tx.member.findFirst({
    where: {
      status: { in: [...ON_THE_LIST] },
      OR: [
        ...(byName ? [{ activeOrganisationKey: candidate.organisationKey }] : []),
        { orgDomains: { hasSome: domains } },
        { addresses: { some: { address: { in: candidate.listAddresses } } } },
      ],
    },
    select: { contactEmail: true, distributionName: true, orgDomains: true },
  });
  // Who the members are is the team's business: the applicant is not told
  // which one matched, unless they are its contact or at its domains.
  if (member) {
    const own = member.contactEmail === candidate.applicantEmail;
    if (own) return { kind: "member", name: member.distributionName, href: "/membership", contact: null };
    const colleague = domainAndParents(domainOf(candidate.applicantEmail)).some((domain) =>
      member.orgDomains.includes(domain),
    );
    return colleague
      ? { kind: "member", name: member.distributionName, href: null, contact: member.contactEmail }
      : { kind: "member", name: null, href: null, contact: null };
  }
  const application = await tx.application.findFirst({
    where: {
      id: { not: candidate.id },
      state: { in: [...OPEN_STATES] },
      OR: [
        ...(byName ? [{ openOrganisationKey: candidate.organisationKey }] : []),
        { orgDomains: { hasSome: domains } },
        { listAddresses: { hasSome: candidate.listAddresses } },
      ],
    },
    select: { id: true, applicantId: true, distributionName: true },
  });
  if (!application) return null;
  const own = application.applicantId === candidate.applicantId;
  return {
    kind: "application",
    name: own ? application.distributionName : null,
    href: own ? `/applications/${application.id}` : null,
  };
}

export function describeConflict(conflict: Conflict): string {
  if (conflict.kind === "member") {
    if (conflict.href) {
      return `This organisation, domain or address already belongs to ${conflict.name}, a member of the list whose contact you are. Change its addresses from your membership page instead of applying again.`;
    }
    if (conflict.contact) {
      return `This organisation, domain or address already belongs to ${conflict.name}, a member of the list. Its contact for the list is ${conflict.contact}: ask them to request the address change from their membership page (My membership), or to hand the contact role over to you.`;
    }
    return "This organisation, domain or address already belongs to a member of the list. To change its addresses, ask your organisation's contact for the list (the address it registered with the security team) to request an address change from their membership page (My membership); they can also hand the contact role over to you.";
  }
  return conflict.href
    ? `You already have an open application for this organisation, domain or address (${conflict.name}). Continue that one instead.`
    : "An application for this organisation, domain or address is already open. If it is your organisation's, ask whoever filed it, or the security team.";
}

/** What the form shows about a duplicate: submission's own words, and the link it gives. */
export type DuplicateAdvice = { message: string; href: string | null };

/**
 * The form asks when the applicant leaves one of these fields. No more often
 * than submission may be tried (30 an hour), so that the early check is no
 * faster a way to probe the member list than submitting is; a check refused
 * shows nothing, and submission checks again.
 */
export const DUPLICATE_CHECKS = RATE_LIMITS["duplicate-check"];

/**
 * The duplicate check of submission, run early on the identity fields of the
 * applicant's own draft as they stand in the form, so that a duplicate shows
 * before the rest is filled in. Advice only: submission checks again and
 * decides. It answers in submission's words, so it tells no more than
 * submission does (never a contact's address or another applicant's name),
 * and it is limited like submission, so nobody lists the members faster with it.
 */
export async function checkDraftForDuplicates(
  db: Database,
  applicant: Viewer,
  id: string,
  fields: IdentityFields,
): Promise<ActionResult<{ duplicate: DuplicateAdvice | null }>> {
  const limit = await consumeLimit(db, "duplicate-check", applicant.id);
  if (!limit.ok) {
    return {
      ...failure(`Not checked: too many checks in a short time. Try again in ${limit.retryAfterSeconds} seconds.`),
      retryAfterSeconds: limit.retryAfterSeconds,
    };
  }
  const application = await db.application.findFirst({
    where: { id, applicantId: applicant.id },
    select: { state: true },
  });
  if (!application) return NOT_FOUND;
  if (!isIn(EDITABLE_STATES, application.state)) {
    return failure(`This application is ${STATE_LABELS[application.state].toLowerCase()} and can no longer be edited.`);
  }
  const conflict = await findDuplicate(db, {
    id,
    applicantId: applicant.id,
    applicantEmail: applicant.email,
    organisationKey: organisationKey(fields.organisation),
    orgDomains: fields.orgDomains,
    listAddresses: fields.listAddresses,
  });
  return { ok: true, duplicate: conflict ? { message: describeConflict(conflict), href: conflict.href } : null };
}
