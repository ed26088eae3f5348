// Sent advisories written straight into the tables, for the tests of the
// team's matrix and members' reliability (sending itself is tested with its
// mutation): the advisory, its revisions, one recipient per address with the
// outbox row its delivery state is read from.
import { snapshotHash, snapshotOf } from "@/features/advisories/snapshot";
import type { OutboxStatus } from "@/generated/prisma/enums";
import type { Database } from "@/lib/prisma";
import { hashToken } from "@/lib/tokens";

let count = 0;

export type SetupRecipient = {
  memberId: string;
  address: string;
  mail?: OutboxStatus | null;
  sentAt?: Date;
  seenAt?: Date;
  createdAt?: Date;
  addedReason?: string;
};

export async function setUpAdvisory(
  db: Database,
  createdById: string,
  {
    sentAt = new Date(),
    revisions = 1,
    state = "EMBARGOED",
    recipients = [],
    title,
  }: {
    sentAt?: Date;
    revisions?: number;
    state?: "EMBARGOED" | "PUBLIC";
    recipients?: SetupRecipient[];
    title?: string;
  } = {},
) {
  count++;
  const disclosureAt = new Date(sentAt.getTime() + 14 * 24 * 60 * 60 * 1000);
  const content = {
    title: title ?? `Test advisory ${count}`,
    cveIds: [`CVE-2026-${String(10000 + count)}`],
    ghsaIds: [],
    cvssVector: "",
    affectedVersions: ["1.0"],
    fixedVersions: ["1.0.1"],
    description: "Secret description.",
    mitigations: "",
    reproduction: "",
    patchLinks: [],
    mayDo: [],
    mayNotDo: [],
    disclosureAt,
    emergencyReason: null,
  };
  const snapshot = snapshotOf(content, []);
  const advisory = await db.advisory.create({
    data: {
      ...content,
      state,
      revision: revisions,
      sentAt,
      createdById,
      createdAt: sentAt,
      publishedAt: state === "PUBLIC" ? disclosureAt : null,
      revisions: {
        create: Array.from({ length: revisions }, (_, index) => ({
          number: index + 1,
          kind: index === 0 ? ("SENT" as const) : ("CHANGED" as const),
          snapshot,
          contentHash: snapshotHash(snapshot),
          disclosureAt,
          createdById,
          createdAt: new Date(sentAt.getTime() + index * 60 * 60 * 1000),
        })),
      },
    },
  });
  for (const recipient of recipients) {
    const mail =
      recipient.mail === null
        ? null
        : await db.outboxMail.create({
            data: {
              to: recipient.address,
              subject: `[EMBARGOED] ${content.cveIds[0]}: ${content.title}`,
              text: "…",
              html: "…",
              status: recipient.mail ?? "PENDING",
              sentAt: recipient.mail === "SENT" ? (recipient.sentAt ?? sentAt) : null,
              createdAt: recipient.createdAt ?? sentAt,
            },
          });
    await db.advisoryRecipient.create({
      data: {
        advisoryId: advisory.id,
        memberId: recipient.memberId,
        address: recipient.address,
        tokenHash: hashToken(`advisory-${advisory.id}-${recipient.address}`),
        addedReason: recipient.addedReason ?? "sent",
        mailId: mail?.id ?? null,
        firstSeenAt: recipient.seenAt ?? null,
        createdAt: recipient.createdAt ?? sentAt,
      },
    });
  }
  return advisory;
}

export async function acknowledge(
  db: Database,
  advisoryId: string,
  memberId: string,
  revision: number,
  address: string,
  at: Date,
) {
  return db.advisoryAcknowledgement.create({ data: { advisoryId, memberId, revision, address, createdAt: at } });
}
