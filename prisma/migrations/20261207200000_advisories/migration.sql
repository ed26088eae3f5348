-- Issue 22: advisories, the team's embargoed notices to the list's members,
-- with per-member recipients, acknowledgements (per revision), patch-test
-- reports, leak reports and reminders. An embargo breach may now name the
-- advisory whose embargo was broken.

-- CreateEnum
CREATE TYPE "AdvisoryState" AS ENUM ('DRAFT', 'EMBARGOED', 'PUBLIC');

-- CreateEnum
CREATE TYPE "AdvisoryRevisionKind" AS ENUM ('SENT', 'CHANGED', 'EARLIER', 'LATER');

-- CreateEnum
CREATE TYPE "AdvisoryReportOutcome" AS ENUM ('WORKS', 'PROBLEM', 'NOT_AFFECTED', 'NOT_TESTED');

-- AlterTable
ALTER TABLE "EmbargoBreach" ADD COLUMN "advisoryId" TEXT,
ADD COLUMN "removalProposedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Advisory" (
    "id" TEXT NOT NULL,
    "state" "AdvisoryState" NOT NULL DEFAULT 'DRAFT',
    "title" TEXT NOT NULL,
    "cveIds" TEXT[],
    "ghsaIds" TEXT[],
    "cvssVector" TEXT NOT NULL DEFAULT '',
    "affectedVersions" TEXT[],
    "fixedVersions" TEXT[],
    "description" TEXT NOT NULL,
    "mitigations" TEXT NOT NULL DEFAULT '',
    "reproduction" TEXT NOT NULL DEFAULT '',
    "patchLinks" TEXT[],
    "mayDo" TEXT[],
    "mayNotDo" TEXT[],
    "disclosureAt" TIMESTAMP(3) NOT NULL,
    "emergencyReason" TEXT,
    "mailFullText" BOOLEAN NOT NULL DEFAULT false,
    "publishAutomatically" BOOLEAN NOT NULL DEFAULT false,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "approvedById" TEXT,
    "approvedHash" TEXT,
    "approvedAt" TIMESTAMP(3),
    "releaseNotice" TEXT,
    "releaseNoticeSentAt" TIMESTAMP(3),
    "releaseWarnedAt" TIMESTAMP(3),
    "heldAt" TIMESTAMP(3),
    "holdReason" TEXT,
    "sentAt" TIMESTAMP(3),
    "publishedAt" TIMESTAMP(3),
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Advisory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdvisoryPatch" (
    "id" TEXT NOT NULL,
    "advisoryId" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "content" BYTEA NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "removedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdvisoryPatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdvisoryRevision" (
    "id" TEXT NOT NULL,
    "advisoryId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "kind" "AdvisoryRevisionKind" NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "snapshot" JSONB NOT NULL,
    "contentHash" TEXT NOT NULL,
    "disclosureAt" TIMESTAMP(3) NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdvisoryRevision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdvisoryRecipient" (
    "id" TEXT NOT NULL,
    "advisoryId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "addedReason" TEXT NOT NULL DEFAULT 'sent',
    "addedById" TEXT,
    "mailId" TEXT,
    "firstSeenAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdvisoryRecipient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdvisoryAcknowledgement" (
    "id" TEXT NOT NULL,
    "advisoryId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "address" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdvisoryAcknowledgement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdvisoryReport" (
    "id" TEXT NOT NULL,
    "advisoryId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "affectedVersion" TEXT NOT NULL DEFAULT '',
    "outcome" "AdvisoryReportOutcome" NOT NULL,
    "details" TEXT NOT NULL DEFAULT '',
    "shared" BOOLEAN NOT NULL DEFAULT false,
    "address" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdvisoryReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdvisoryLeakReport" (
    "id" TEXT NOT NULL,
    "advisoryId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "whatLeaked" TEXT NOT NULL,
    "toWhom" TEXT NOT NULL,
    "leakedAt" TEXT NOT NULL,
    "prevention" TEXT NOT NULL,
    "breachId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdvisoryLeakReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdvisoryReminder" (
    "advisoryId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdvisoryReminder_pkey" PRIMARY KEY ("advisoryId","memberId")
);

-- CreateIndex
CREATE INDEX "Advisory_state_disclosureAt_idx" ON "Advisory"("state", "disclosureAt");

-- CreateIndex
CREATE INDEX "Advisory_createdAt_idx" ON "Advisory"("createdAt");

-- CreateIndex
CREATE INDEX "AdvisoryPatch_advisoryId_idx" ON "AdvisoryPatch"("advisoryId");

-- CreateIndex
CREATE UNIQUE INDEX "AdvisoryRevision_advisoryId_number_key" ON "AdvisoryRevision"("advisoryId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "AdvisoryRecipient_tokenHash_key" ON "AdvisoryRecipient"("tokenHash");

-- CreateIndex
CREATE INDEX "AdvisoryRecipient_memberId_idx" ON "AdvisoryRecipient"("memberId");

-- CreateIndex
CREATE INDEX "AdvisoryRecipient_address_idx" ON "AdvisoryRecipient"("address");

-- CreateIndex
CREATE UNIQUE INDEX "AdvisoryRecipient_advisoryId_address_key" ON "AdvisoryRecipient"("advisoryId", "address");

-- CreateIndex
CREATE INDEX "AdvisoryAcknowledgement_memberId_createdAt_idx" ON "AdvisoryAcknowledgement"("memberId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AdvisoryAcknowledgement_advisoryId_memberId_revision_key" ON "AdvisoryAcknowledgement"("advisoryId", "memberId", "revision");

-- CreateIndex
CREATE INDEX "AdvisoryReport_advisoryId_createdAt_idx" ON "AdvisoryReport"("advisoryId", "createdAt");

-- CreateIndex
CREATE INDEX "AdvisoryReport_memberId_createdAt_idx" ON "AdvisoryReport"("memberId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AdvisoryLeakReport_breachId_key" ON "AdvisoryLeakReport"("breachId");

-- CreateIndex
CREATE INDEX "AdvisoryLeakReport_advisoryId_idx" ON "AdvisoryLeakReport"("advisoryId");

-- AddForeignKey
ALTER TABLE "EmbargoBreach" ADD CONSTRAINT "EmbargoBreach_advisoryId_fkey" FOREIGN KEY ("advisoryId") REFERENCES "Advisory"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Advisory" ADD CONSTRAINT "Advisory_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdvisoryPatch" ADD CONSTRAINT "AdvisoryPatch_advisoryId_fkey" FOREIGN KEY ("advisoryId") REFERENCES "Advisory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdvisoryRevision" ADD CONSTRAINT "AdvisoryRevision_advisoryId_fkey" FOREIGN KEY ("advisoryId") REFERENCES "Advisory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdvisoryRecipient" ADD CONSTRAINT "AdvisoryRecipient_advisoryId_fkey" FOREIGN KEY ("advisoryId") REFERENCES "Advisory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdvisoryRecipient" ADD CONSTRAINT "AdvisoryRecipient_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdvisoryAcknowledgement" ADD CONSTRAINT "AdvisoryAcknowledgement_advisoryId_fkey" FOREIGN KEY ("advisoryId") REFERENCES "Advisory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdvisoryAcknowledgement" ADD CONSTRAINT "AdvisoryAcknowledgement_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdvisoryReport" ADD CONSTRAINT "AdvisoryReport_advisoryId_fkey" FOREIGN KEY ("advisoryId") REFERENCES "Advisory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdvisoryReport" ADD CONSTRAINT "AdvisoryReport_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdvisoryLeakReport" ADD CONSTRAINT "AdvisoryLeakReport_advisoryId_fkey" FOREIGN KEY ("advisoryId") REFERENCES "Advisory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdvisoryLeakReport" ADD CONSTRAINT "AdvisoryLeakReport_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdvisoryLeakReport" ADD CONSTRAINT "AdvisoryLeakReport_breachId_fkey" FOREIGN KEY ("breachId") REFERENCES "EmbargoBreach"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdvisoryReminder" ADD CONSTRAINT "AdvisoryReminder_advisoryId_fkey" FOREIGN KEY ("advisoryId") REFERENCES "Advisory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdvisoryReminder" ADD CONSTRAINT "AdvisoryReminder_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;
