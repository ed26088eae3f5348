-- Issue 19: the Mailman sync records each change it made or Mailman refused,
-- with Mailman's member id of each subscription it made, so that it only ever
-- unsubscribes (without --prune) what it subscribed itself; sync runs count
-- refusals.
--
-- Existing deployments start with no rows: which subscriptions the earlier
-- sync made was never recorded, and "listed by the portal once" (the old
-- rule) also holds for an address that was on the list before any applicant
-- named it, the security team's own for one. So after this migration every
-- address on the list that the portal no longer lists is kept and shown in
-- the plan ("# kept: … (listed by the portal, not subscribed by it …)") until
-- an owner removes it by hand or with --prune; none is unsubscribed unasked.

-- CreateEnum
CREATE TYPE "MailmanSyncChangeKind" AS ENUM ('SUBSCRIBED', 'UNSUBSCRIBED', 'SUBSCRIBE_REFUSED', 'UNSUBSCRIBE_REFUSED');

-- AlterTable
ALTER TABLE "Export" ADD COLUMN "syncRefused" INTEGER;

-- CreateTable
CREATE TABLE "MailmanSyncChange" (
    "id" TEXT NOT NULL,
    "exportId" TEXT NOT NULL,
    "listId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "kind" "MailmanSyncChangeKind" NOT NULL,
    "mailmanMemberId" TEXT,
    "reason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MailmanSyncChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MailmanSyncChange_exportId_idx" ON "MailmanSyncChange"("exportId");

-- CreateIndex
CREATE INDEX "MailmanSyncChange_listId_mailmanMemberId_idx" ON "MailmanSyncChange"("listId", "mailmanMemberId");

-- AddForeignKey
ALTER TABLE "MailmanSyncChange" ADD CONSTRAINT "MailmanSyncChange_exportId_fkey" FOREIGN KEY ("exportId") REFERENCES "Export"("id") ON DELETE CASCADE ON UPDATE CASCADE;
