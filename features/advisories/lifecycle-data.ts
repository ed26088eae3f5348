import "server-only";
import { getDb } from "@/lib/db";
import { RecordIdSchema } from "@/lib/input";

// What the team's lifecycle panel on /advisories/[id] shows: the release
// notice, disclosure, leak reports and breaches of one advisory. The page
// has authorised the viewer as the team (advisoryReader) before this is read.

export async function readAdvisoryLifecycle(advisoryId: string) {
  if (!RecordIdSchema.safeParse(advisoryId).success) return null;
  const db = getDb();
  const advisory = await db.advisory.findUnique({
    where: { id: advisoryId },
    select: {
      id: true,
      state: true,
      revision: true,
      disclosureAt: true,
      releaseNotice: true,
      releaseNoticeSentAt: true,
      releaseWarnedAt: true,
      publishAutomatically: true,
      heldAt: true,
      holdReason: true,
      publishedAt: true,
      leaks: {
        orderBy: { createdAt: "desc" },
        select: {
          id: true,
          memberId: true,
          address: true,
          whatLeaked: true,
          toWhom: true,
          leakedAt: true,
          prevention: true,
          breachId: true,
          createdAt: true,
          member: { select: { distributionName: true } },
        },
      },
      breaches: {
        orderBy: { occurredOn: "desc" },
        select: {
          id: true,
          occurredOn: true,
          description: true,
          removalProposedAt: true,
          member: { select: { id: true, distributionName: true } },
        },
      },
    },
  });
  if (!advisory) return null;
  const members = await db.member.findMany({
    where: { advisoryRecipients: { some: { advisoryId } } },
    orderBy: { distributionName: "asc" },
    select: { id: true, distributionName: true },
  });
  return { ...advisory, members };
}

export type AdvisoryLifecycle = NonNullable<Awaited<ReturnType<typeof readAdvisoryLifecycle>>>;
