// The people and records the fault tests (test/security/faults.test.ts) load
// the portal with: applicants with a session and no application yet (each
// starts and submits one over HTTP), reviewers with a session, and
// applications in review for them to vote on.
import type { Database } from "@/lib/prisma";
import { completeForm, createMember, createUser } from "@/test/helpers/fixtures";
import { createSession } from "@/test/helpers/matrix-fixture";
import { applicationReadyForReview, createReviewer } from "@/test/helpers/review-fixtures";

export type FaultApplicant = { id: string; index: number; session: string };
export type FaultReviewer = { id: string; session: string };
export type FaultFixture = { applicants: FaultApplicant[]; reviewers: FaultReviewer[]; inReview: string[] };

async function inBatches<T>(count: number, batch: number, make: (index: number) => Promise<T>): Promise<T[]> {
  const made: T[] = [];
  for (let start = 0; start < count; start += batch) {
    const indexes = Array.from({ length: Math.min(batch, count - start) }, (_, offset) => start + offset);
    made.push(...(await Promise.all(indexes.map(make))));
  }
  return made;
}

export async function createFaultFixture(
  db: Database,
  sizes: { applicants: number; reviewers: number; applications: number },
): Promise<FaultFixture> {
  // The member whose contact every applicant names as their voucher.
  await createMember(db, {
    distributionName: "Acme Mesh",
    organisation: "Acme",
    domain: "acme.example",
    contactEmail: "security@acme.example",
  });
  await createReviewer(db, "owner@kmesh.example", "OWNER");
  const reviewers = await inBatches(sizes.reviewers, 10, async (index) => {
    const reviewer = await createReviewer(db, `reviewer${index}@kmesh.example`);
    // Passkeys are required (no setting row: a new deployment): a reviewer's session counts once one was proved.
    return { id: reviewer.id, session: await createSession(db, reviewer, { passkey: true }) };
  });
  const inReview: string[] = [];
  for (let index = 0; index < sizes.applications; index++) {
    inReview.push((await applicationReadyForReview(db)).id);
  }
  const applicants = await inBatches(sizes.applicants, 20, async (index) => {
    const user = await createUser(db, `lead@applicant${index}.example`);
    return { id: user.id, index, session: await createSession(db, user) };
  });
  // The fixture's own mail (reviewer notices) is not what the tests watch.
  await db.outboxMail.updateMany({ where: { status: "PENDING" }, data: { status: "SENT", sentAt: new Date() } });
  return { applicants, reviewers, inReview };
}

/** The complete form applicant `index` submits: an organisation and addresses of their own. */
export function applicantForm(index: number, applicationId: string): Record<string, string> {
  const domain = `applicant${index}.example`;
  return {
    ...completeForm({
      distributionName: `Applicant ${index} Mesh`,
      organisation: `Applicant ${index}`,
      website: `https://${domain}`,
      orgDomains: domain,
      listAddresses: `kmesh-security@${domain}`,
      securityAlias: `kmesh-security@${domain}`,
      voucherEmail: "security@acme.example",
    }),
    applicationId,
    intent: "submit",
  };
}
