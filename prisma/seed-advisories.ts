// The advisories in the demo data: one in flight (sent three days ago,
// revision 1, to every listed address of the three members on the list; Acme
// and Globex acknowledged, Initech has not; Acme reported "works") and one
// disclosed (public since last month, with its release notice). Written
// straight into the tables as sending, reading, acknowledging, reporting and
// publishing write them: the revision's snapshot and hash, one recipient and
// one outbox message per address (each with its own link, readable in
// /dev/outbox), and audit events holding ids, numbers and hashes only.
import { snapshotHash, snapshotOf } from "@/features/advisories/snapshot";
import type { AuditAction } from "@/features/audit/events";
import { type Actor, recordAuditEvent } from "@/features/audit/mutations";
import { compose } from "@/features/mail/templates";
import type { PortalConfig } from "@/features/portal-config/schema";
import type { Prisma } from "@/generated/prisma/client";
import { DAY_MS } from "@/lib/link-lifetimes";
import { newToken } from "@/lib/tokens";
import { utcText } from "@/lib/utc";

/** Where a recipient's mailed link opens the advisory (the recipients' page's route). */
export const ADVISORY_LINK_PATH = "/advisories/read/";

export const DEMO_ADVISORIES = {
  inFlight: { cve: "CVE-2026-41234", title: "Authorization bypass in waypoint L7 policy matching" },
  disclosed: { cve: "CVE-2026-30017", title: "Denial of service in the ztunnel connection handler" },
} as const;

type Seeded = { owner: Actor & { id: string }; baseUrl: string };

const HOUR_MS = 60 * 60 * 1000;

export async function seedAdvisories(tx: Prisma.TransactionClient, config: PortalConfig, seeded: Seeded) {
  const now = Date.now();
  const at = (ms: number) => new Date(now + ms);
  const listed = await tx.subscriberAddress.findMany({
    where: { removedAt: null, member: { status: { in: ["ACTIVE", "REMOVAL_PENDING"] } } },
    orderBy: { address: "asc" },
    select: { memberId: true, address: true, member: { select: { distributionName: true } } },
  });

  // In flight: sent three days ago, disclosure ten days after sending.
  const sentAt = at(-3 * DAY_MS);
  const inFlight = await sentAdvisory(tx, config, seeded, listed, {
    ...DEMO_ADVISORIES.inFlight,
    sentAt,
    disclosureAt: new Date(sentAt.getTime() + 10 * DAY_MS),
    description:
      "A crafted `Host` header lets a request match an L7 authorization policy written for another host, " +
      "so a waypoint may allow what the policy denies.\n\nReported privately by a member of the list.",
    mitigations: "Add an explicit `hosts` match to every `AuthorizationPolicy` that a waypoint enforces.",
    reproduction:
      "1. Deploy a waypoint with a DENY policy for `admin.example`.\n2. Send `Host: admin.example.` (trailing dot).",
  });
  const acme = inFlight.recipients.find((row) => row.distributionName === "Acme Mesh");
  const globex = inFlight.recipients.find((row) => row.address === "psirt@globex.example");
  for (const row of [acme, globex]) {
    if (row)
      await seenAndAcknowledged(tx, inFlight.id, row, at(-3 * DAY_MS + 2 * HOUR_MS), at(-3 * DAY_MS + 5 * HOUR_MS));
  }
  if (acme) {
    const report = await tx.advisoryReport.create({
      data: {
        advisoryId: inFlight.id,
        memberId: acme.memberId,
        revision: 1,
        outcome: "WORKS",
        details: "Applied the patch to our 1.4 build; the reproduction is refused and our policy tests pass.",
        shared: true,
        address: acme.address,
        createdAt: new Date(sentAt.getTime() + 30 * HOUR_MS),
      },
    });
    const data = { reportId: report.id, memberId: acme.memberId, revision: 1 };
    await audit(tx, { id: null, email: acme.address }, "advisory.reported", inFlight.id, data);
  }
  // Initech Cloud Networking's address got the message and has neither opened nor acknowledged it.

  // Disclosed: sent seven weeks ago, public a month ago, with its release notice.
  const oldSent = at(-49 * DAY_MS);
  const published = at(-30 * DAY_MS);
  const disclosed = await sentAdvisory(tx, config, seeded, listed, {
    ...DEMO_ADVISORIES.disclosed,
    sentAt: oldSent,
    disclosureAt: published,
    description: "A client that opens connections and never sends data keeps ztunnel's per-connection state forever.",
    mitigations: "Limit connections per source with a network policy.",
    reproduction: "",
  });
  // Every address had opened it; every member acknowledged it, each by its first address.
  const acknowledged = new Set<string>();
  for (const row of disclosed.recipients) {
    const first = !acknowledged.has(row.memberId);
    acknowledged.add(row.memberId);
    const seen = new Date(oldSent.getTime() + 19 * HOUR_MS);
    await seenAndAcknowledged(tx, disclosed.id, row, seen, first ? new Date(seen.getTime() + HOUR_MS) : null);
  }
  await tx.advisory.update({
    where: { id: disclosed.id },
    data: {
      state: "PUBLIC",
      releaseNotice:
        "Kmesh 1.4.2 and 1.3.6 fix CVE-2026-30017, a denial of service in ztunnel's connection handler. " +
        "Upgrade, or limit connections per source until you can.",
      releaseNoticeSentAt: new Date(published.getTime() - 2 * DAY_MS),
      publishedAt: published,
    },
  });
  await audit(tx, seeded.owner, "advisory.release-notice-sent", disclosed.id, {
    revision: 1,
    recipients: disclosed.recipients.length,
  });
  await audit(tx, seeded.owner, "advisory.published", disclosed.id, { revision: 1 });
  return { inFlight: inFlight.id, disclosed: disclosed.id };
}

type Listed = { memberId: string; address: string; member: { distributionName: string } }[];

type Draft = {
  cve: string;
  title: string;
  sentAt: Date;
  disclosureAt: Date;
  description: string;
  mitigations: string;
  reproduction: string;
};

/** A drafted and sent advisory: revision 1 with its snapshot, one recipient and one delivered message per address. */
async function sentAdvisory(
  tx: Prisma.TransactionClient,
  config: PortalConfig,
  seeded: Seeded,
  listed: Listed,
  draft: Draft,
) {
  const content = {
    title: draft.title,
    cveIds: [draft.cve],
    ghsaIds: [],
    cvssVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
    affectedVersions: ["1.3.0 – 1.3.5", "1.4.0 – 1.4.1"],
    fixedVersions: ["1.3.6", "1.4.2"],
    description: draft.description,
    mitigations: draft.mitigations,
    reproduction: draft.reproduction,
    patchLinks: ["https://github.com/kmesh-net/kmesh/pull/0000"],
    mayDo: ["build and test patched packages internally", "tell your own security team"],
    mayNotDo: ["publish patched binaries or source before the disclosure", "name the vulnerability in public trackers"],
    disclosureAt: draft.disclosureAt,
    emergencyReason: null,
  };
  const snapshot = snapshotOf(content, []);
  const contentHash = snapshotHash(snapshot);
  const advisory = await tx.advisory.create({
    data: {
      ...content,
      state: "EMBARGOED",
      revision: 1,
      sentAt: draft.sentAt,
      createdById: seeded.owner.id,
      createdAt: new Date(draft.sentAt.getTime() - DAY_MS),
      revisions: {
        create: {
          number: 1,
          kind: "SENT",
          snapshot,
          contentHash,
          disclosureAt: draft.disclosureAt,
          createdById: seeded.owner.id,
          createdAt: draft.sentAt,
        },
      },
    },
  });
  await audit(tx, seeded.owner, "advisory.drafted", advisory.id, {});
  const recipients: { id: string; memberId: string; address: string; distributionName: string }[] = [];
  for (const row of listed) {
    const { token, hash } = newToken();
    const link = `${seeded.baseUrl}${ADVISORY_LINK_PATH}${token}`;
    // Delivered: the demo's addresses are made up, so it is marked sent rather than queued.
    const mail = await tx.outboxMail.create({
      data: {
        ...compose(row.address, `[EMBARGOED] ${draft.cve}: ${draft.title}`, [
          {
            text: `The ${config.project} security team sends the ${config.listName} advance notice of a vulnerability under embargo until ${utcText(draft.disclosureAt)}.`,
          },
          { link, label: "Read and acknowledge it (this link is for this address only)" },
        ]),
        status: "SENT",
        attempts: 1,
        sentAt: new Date(draft.sentAt.getTime() + 60_000),
        createdAt: draft.sentAt,
      },
      select: { id: true },
    });
    const created = await tx.advisoryRecipient.create({
      data: {
        advisoryId: advisory.id,
        memberId: row.memberId,
        address: row.address,
        tokenHash: hash,
        mailId: mail.id,
        createdAt: draft.sentAt,
      },
      select: { id: true },
    });
    recipients.push({ ...row, id: created.id, distributionName: row.member.distributionName });
  }
  await audit(tx, seeded.owner, "advisory.sent", advisory.id, {
    revision: 1,
    contentHash,
    recipients: recipients.length,
    members: new Set(recipients.map((row) => row.memberId)).size,
  });
  return { id: advisory.id, recipients };
}

type Recipient = { id: string; memberId: string; address: string };

/** The address opened the advisory at `seenAt`, and (when `ackAt`) its member acknowledged revision 1 through it. */
async function seenAndAcknowledged(
  tx: Prisma.TransactionClient,
  advisoryId: string,
  row: Recipient,
  seenAt: Date,
  ackAt: Date | null,
) {
  const actor = { id: null, email: row.address };
  await tx.advisoryRecipient.update({ where: { id: row.id }, data: { firstSeenAt: seenAt } });
  await audit(tx, actor, "advisory.seen", advisoryId, { recipientId: row.id });
  if (!ackAt) return;
  const ack = await tx.advisoryAcknowledgement.create({
    data: { advisoryId, memberId: row.memberId, revision: 1, address: row.address, createdAt: ackAt },
  });
  await audit(tx, actor, "advisory.acknowledged", advisoryId, {
    acknowledgementId: ack.id,
    memberId: row.memberId,
    revision: 1,
  });
}

function audit(
  tx: Prisma.TransactionClient,
  actor: Actor,
  action: Extract<AuditAction, `advisory.${string}`>,
  advisoryId: string,
  data: Prisma.InputJsonObject,
) {
  return recordAuditEvent(tx, { actor, action, subjectType: "Advisory", subjectId: advisoryId, data });
}
