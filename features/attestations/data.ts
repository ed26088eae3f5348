import "server-only";
import type { PortalConfig } from "@/features/portal-config/schema";
import { getDb } from "@/lib/db";
import { type DiffLine, diffLines } from "@/lib/line-diff";
import { readLinkByToken } from "@/lib/mailed-link";

export type PolicyChange = { title: string; text: string; changes: DiffLine[] | null };

/**
 * What the contact sees on their attestation page: the member, its
 * addresses, and each policy text with what changed since the version the
 * member last accepted (null when that version's text is not on record).
 */
export async function getAttestationByToken(token: string, config: Pick<PortalConfig, "policy" | "version">) {
  const db = getDb();
  const attestation = await readLinkByToken(token, (where) =>
    db.attestation.findUnique({
      where,
      select: {
        status: true,
        dueAt: true,
        respondedAt: true,
        member: {
          select: {
            id: true,
            distributionName: true,
            organisation: true,
            status: true,
            acceptedPolicyVersion: true,
            addresses: { where: { removedAt: null }, orderBy: { address: "asc" }, select: { address: true } },
          },
        },
      },
    }),
  );
  if (!attestation) return null;
  const { member } = attestation;
  const accepted = member.acceptedPolicyVersion
    ? await db.policyText.findUnique({ where: { version: member.acceptedPolicyVersion } })
    : null;
  const unchanged = member.acceptedPolicyVersion === config.version;
  const change = (title: string, before: string | undefined, text: string): PolicyChange => ({
    title,
    text,
    changes: before === undefined ? null : diffLines(before, text),
  });
  return {
    status: attestation.status,
    expired: attestation.status === "LAPSED" || attestation.dueAt <= new Date(),
    dueAt: attestation.dueAt,
    respondedAt: attestation.respondedAt,
    removed: member.status === "REMOVED",
    memberId: member.id,
    distributionName: member.distributionName,
    organisation: member.organisation,
    addresses: member.addresses.map((row) => row.address),
    policyUnchanged: unchanged,
    policies: [
      change("Embargo policy", accepted?.embargo, config.policy.embargo),
      change("Contributing back", accepted?.contributingBack, config.policy.contributingBack),
    ],
  };
}

export type AttestationPage = NonNullable<Awaited<ReturnType<typeof getAttestationByToken>>>;

/** The newest round and where each member stands in it, for the team. */
export async function getLatestRound() {
  const db = getDb();
  const round = await db.attestationRound.findFirst({
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      createdAt: true,
      dueAt: true,
      startedBy: { select: { email: true } },
      attestations: {
        orderBy: [{ status: "asc" }, { member: { distributionName: "asc" } }],
        select: {
          id: true,
          status: true,
          dueAt: true,
          remindedAt: true,
          respondedAt: true,
          member: { select: { id: true, distributionName: true, status: true } },
        },
      },
    },
  });
  if (!round) return null;
  const count = (status: string) => round.attestations.filter((row) => row.status === status).length;
  return {
    ...round,
    running: round.dueAt > new Date(),
    confirmed: count("CONFIRMED"),
    pending: count("PENDING"),
    lapsed: count("LAPSED"),
  };
}

export type LatestRound = NonNullable<Awaited<ReturnType<typeof getLatestRound>>>;
