import { enqueueMail } from "@/features/mail/mutations";
import { applicationStatusMail } from "@/features/mail/templates";
import type { Prisma } from "@/generated/prisma/client";

export type Notice = {
  to: string;
  distributionName: string;
  headline: string;
  /** Where the link in the mail leads, e.g. `/applications/<id>`. */
  path: string;
  detail?: string;
};

/** Queues the applicant's mail about their application, in the transaction that changed it. */
export async function mailApplicant(
  tx: Prisma.TransactionClient,
  context: { baseUrl: string; project: string },
  notice: Notice,
) {
  await enqueueMail(
    tx,
    applicationStatusMail(
      notice.to,
      { project: context.project, distributionName: notice.distributionName || "Your application" },
      notice.headline,
      `${context.baseUrl}${notice.path}`,
      notice.detail,
    ),
  );
}
