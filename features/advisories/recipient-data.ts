import "server-only";
import type { AdvisoryReader } from "@/features/advisories/access";
import { LISTED_ADDRESS } from "@/features/members/listed-addresses";
import { ON_THE_LIST } from "@/features/vocabulary/member-states";
import type { AdvisoryReportOutcome } from "@/generated/prisma/enums";
import { getDb } from "@/lib/db";
import { readLinkByToken } from "@/lib/mailed-link";
import type { Database } from "@/lib/prisma";

// What a recipient's view of an advisory shows besides its text: their
// member's acknowledgements per revision, their member's reports and leak
// reports, and the reports other members chose to share with every
// recipient. Read only for a reader `advisoryReader` admitted as a recipient.

type Recipient = Extract<AdvisoryReader, { kind: "recipient" }>;

export type RecipientReport = {
  id: string;
  outcome: AdvisoryReportOutcome;
  affectedVersion: string;
  details: string;
  shared: boolean;
  revision: number;
  address: string;
  createdAt: Date;
};

export type RecipientViewData = {
  revision: number;
  state: "DRAFT" | "EMBARGOED" | "PUBLIC";
  emergencyReason: string | null;
  mayDo: string[];
  mayNotDo: string[];
  affectedVersions: string[];
  disclosureAt: Date;
  acknowledgements: { revision: number; address: string; createdAt: Date }[];
  /** The revision the member acknowledged last, 0 when none. */
  acknowledgedRevision: number;
  currentAcknowledged: boolean;
  reports: RecipientReport[];
  sharedReports: (RecipientReport & { distributionName: string })[];
  leaks: { id: string; whatLeaked: string; toWhom: string; leakedAt: string; prevention: string; createdAt: Date }[];
};

const reportFields = {
  id: true,
  outcome: true,
  affectedVersion: true,
  details: true,
  shared: true,
  revision: true,
  address: true,
  createdAt: true,
} as const;

export async function getRecipientView(
  db: Database,
  reader: Recipient,
  advisoryId: string,
): Promise<RecipientViewData | null> {
  const { memberId } = reader;
  const [advisory, acknowledgements, reports, sharedReports, leaks] = await Promise.all([
    db.advisory.findUnique({
      where: { id: advisoryId },
      select: {
        revision: true,
        state: true,
        emergencyReason: true,
        mayDo: true,
        mayNotDo: true,
        affectedVersions: true,
        disclosureAt: true,
      },
    }),
    db.advisoryAcknowledgement.findMany({
      where: { advisoryId, memberId },
      orderBy: { revision: "asc" },
      select: { revision: true, address: true, createdAt: true },
    }),
    db.advisoryReport.findMany({
      where: { advisoryId, memberId },
      orderBy: { createdAt: "desc" },
      select: reportFields,
    }),
    // Other members' shared reports, while that member is still on the list.
    db.advisoryReport.findMany({
      where: { advisoryId, shared: true, memberId: { not: memberId }, member: { status: { in: [...ON_THE_LIST] } } },
      orderBy: { createdAt: "desc" },
      select: { ...reportFields, member: { select: { distributionName: true } } },
    }),
    db.advisoryLeakReport.findMany({
      where: { advisoryId, memberId },
      orderBy: { createdAt: "desc" },
      select: { id: true, whatLeaked: true, toWhom: true, leakedAt: true, prevention: true, createdAt: true },
    }),
  ]);
  if (!advisory) return null;
  const acknowledgedRevision = Math.max(0, ...acknowledgements.map((ack) => ack.revision));
  return {
    ...advisory,
    acknowledgements,
    acknowledgedRevision,
    currentAcknowledged: acknowledgements.some((ack) => ack.revision === advisory.revision),
    reports,
    sharedReports: sharedReports.map(({ member, ...report }) => ({
      ...report,
      distributionName: member.distributionName,
    })),
    leaks,
  };
}

/** For the team's send panel: how many addresses (of how many members) a send would reach now. */
export async function countListedRecipients(db: Database): Promise<{ addresses: number; members: number }> {
  const [addresses, members] = await Promise.all([
    db.subscriberAddress.count({ where: LISTED_ADDRESS }),
    db.member.count({ where: { status: { in: [...ON_THE_LIST] }, addresses: { some: { removedAt: null } } } }),
  ]);
  return { addresses, members };
}

/** For the send panel after sending: the members on the list with no recipient address yet (to add one). */
export async function membersNotRecipients(db: Database, advisoryId: string) {
  return db.member.findMany({
    where: {
      status: { in: [...ON_THE_LIST] },
      addresses: { some: { removedAt: null } },
      advisoryRecipients: { none: { advisoryId } },
    },
    orderBy: { distributionName: "asc" },
    select: { id: true, distributionName: true },
  });
}

/** Whether the token names an advisory link at all: the link page's GET shows nothing else of it. */
export async function advisoryLinkExists(token: string): Promise<boolean> {
  const found = await readLinkByToken(token, (where) =>
    getDb().advisoryRecipient.findUnique({ where, select: { id: true } }),
  );
  return found !== null;
}
