import "server-only";
import { getDb } from "@/lib/db";
import { domainAndParents, domainOf, normalizeEmail } from "@/lib/email";
import { readLinkByToken } from "@/lib/mailed-link";

/**
 * What the holder of a vouch link sees: the application's facts and answers
 * while the request is theirs. A request passed to the member's new contact,
 * or ended with the member, shows only that: the holder is no longer asked.
 * The new contact is named only to a signed-in reader at the member's domains.
 */
export async function getVouchByToken(token: string, reader: { email: string } | null) {
  const vouch = await readLinkByToken(token, (where) =>
    getDb().vouch.findUnique({
      where,
      select: {
        voucherEmail: true,
        status: true,
        comment: true,
        expiresAt: true,
        respondedAt: true,
        closedAt: true,
        member: { select: { orgDomains: true, contactEmail: true } },
        application: {
          select: {
            distributionName: true,
            organisation: true,
            website: true,
            orgDomains: true,
            listAddresses: true,
            applicant: { select: { email: true } },
            answers: { select: { criterionKey: true, answer: true, evidenceUrls: true, accepted: true } },
          },
        },
      },
    }),
  );
  if (!vouch) return null;
  const { member, ...rest } = vouch;
  if (vouch.status === "MOVED" || vouch.status === "ENDED") {
    const atMember =
      reader !== null && domainAndParents(domainOf(reader.email)).some((domain) => member.orgDomains.includes(domain));
    return {
      closed: vouch.status,
      closedAt: vouch.closedAt,
      newContact: vouch.status === "MOVED" && atMember ? member.contactEmail : null,
    } as const;
  }
  return { closed: null, ...rest, expired: vouch.expiresAt <= new Date() } as const;
}

/** Where the applicant's vouch stands, as the application page tells them. */
export type ApplicantVouch =
  | { kind: "none" }
  | { kind: "asked"; voucherEmail: string; status: "PENDING" | "CONFIRMED" | "DECLINED"; expired: boolean }
  | { kind: "moved"; named: string; status: "PENDING" | "CONFIRMED" | "DECLINED"; expired: boolean; at: Date }
  | { kind: "ended"; voucherEmail: string; at: Date | null; replaceable: true };

/**
 * The applicant's current vouch (the newest), under the address they typed
 * and only if it is theirs: a request a handover passed on is told as
 * "their member's new contact", never by the new contact's address.
 */
export async function getApplicantVouch(
  applicantId: string,
  applicationId: string,
  typedAddress: string | null,
): Promise<ApplicantVouch> {
  const typed = typedAddress ? normalizeEmail(typedAddress) : null;
  const vouches = await getDb().vouch.findMany({
    where: { applicationId, application: { applicantId } },
    orderBy: { createdAt: "desc" },
    select: { voucherEmail: true, status: true, expiresAt: true, createdAt: true, closedAt: true },
  });
  const [current] = vouches;
  if (!current || !typed) return { kind: "none" };
  // A move closes one request and opens its successor at once: walk back over the moves to the one the applicant named.
  let origin = 0;
  while (vouches[origin + 1]?.status === "MOVED") origin += 1;
  const named = vouches[origin];
  if (!named || named.voucherEmail !== typed) return { kind: "none" };
  if (current.status === "ENDED")
    return { kind: "ended", voucherEmail: typed, at: current.closedAt, replaceable: true };
  if (current.status === "MOVED") return { kind: "none" };
  const expired = current.status === "PENDING" && current.expiresAt <= new Date();
  if (origin === 0) return { kind: "asked", voucherEmail: typed, status: current.status, expired };
  return { kind: "moved", named: typed, status: current.status, expired, at: current.createdAt };
}
