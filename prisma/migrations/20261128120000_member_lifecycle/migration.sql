-- The member list after approval: removal pending, removals and
-- reinstatements, embargo breaches, address changes with confirmed addresses,
-- contact handovers, yearly attestation rounds, and the policy texts of each
-- version (so that a member can see what changed since it last accepted).

-- AlterEnum
ALTER TYPE "MemberStatus" ADD VALUE 'REMOVAL_PENDING' BEFORE 'REMOVED';

-- CreateEnum
CREATE TYPE "RemovalReason" AS ENUM ('NO_LONGER_MEETS_CRITERIA', 'EMBARGO_BREACH', 'NO_ATTESTATION', 'ON_REQUEST', 'OTHER');

-- AlterTable
ALTER TABLE "Member" ADD COLUMN "acceptedPolicyVersion" TEXT,
ADD COLUMN "lastAttestedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "SubscriberAddress" ADD COLUMN "addedReason" TEXT NOT NULL DEFAULT '',
ADD COLUMN "removedAt" TIMESTAMP(3),
ADD COLUMN "removedReason" TEXT;

-- CreateTable
CREATE TABLE "AddressConfirmation" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "confirmedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AddressConfirmation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContactHandover" (
    "id" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "requestedById" TEXT NOT NULL,
    "newContactEmail" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "confirmedAt" TIMESTAMP(3),
    "status" "RequestStatus" NOT NULL DEFAULT 'PENDING',
    "reviewerId" TEXT,
    "decisionNote" TEXT,
    "decidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContactHandover_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MemberRemoval" (
    "id" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "reason" "RemovalReason" NOT NULL,
    "detail" TEXT NOT NULL DEFAULT '',
    "message" TEXT NOT NULL DEFAULT '',
    "removedById" TEXT NOT NULL,
    "removedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reinstatedAt" TIMESTAMP(3),
    "reinstatedById" TEXT,
    "reinstatementNote" TEXT,

    CONSTRAINT "MemberRemoval_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmbargoBreach" (
    "id" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "occurredOn" TIMESTAMP(3) NOT NULL,
    "description" TEXT NOT NULL,
    "link" TEXT,
    "recordedById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmbargoBreach_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AttestationRound" (
    "id" TEXT NOT NULL,
    "startedById" TEXT,
    "policyVersion" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AttestationRound_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PolicyText" (
    "version" TEXT NOT NULL,
    "embargo" TEXT NOT NULL,
    "contributingBack" TEXT NOT NULL,
    "criteria" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PolicyText_pkey" PRIMARY KEY ("version")
);

-- Attestations belong to a round now; no code wrote any before.
DELETE FROM "Attestation";
DROP INDEX "Attestation_memberId_year_key";
ALTER TABLE "Attestation" DROP COLUMN "year",
ADD COLUMN "roundId" TEXT NOT NULL,
ADD COLUMN "remindedAt" TIMESTAMP(3),
ADD COLUMN "lapsedAt" TIMESTAMP(3);

-- CreateIndex
CREATE UNIQUE INDEX "AddressConfirmation_tokenHash_key" ON "AddressConfirmation"("tokenHash");
CREATE UNIQUE INDEX "AddressConfirmation_requestId_address_key" ON "AddressConfirmation"("requestId", "address");
CREATE UNIQUE INDEX "ContactHandover_tokenHash_key" ON "ContactHandover"("tokenHash");
CREATE INDEX "ContactHandover_memberId_idx" ON "ContactHandover"("memberId");
CREATE INDEX "ContactHandover_status_createdAt_idx" ON "ContactHandover"("status", "createdAt");
CREATE INDEX "MemberRemoval_memberId_removedAt_idx" ON "MemberRemoval"("memberId", "removedAt");
CREATE INDEX "EmbargoBreach_memberId_occurredOn_idx" ON "EmbargoBreach"("memberId", "occurredOn");
CREATE INDEX "AttestationRound_createdAt_idx" ON "AttestationRound"("createdAt");
CREATE UNIQUE INDEX "Attestation_memberId_roundId_key" ON "Attestation"("memberId", "roundId");

-- AddForeignKey
ALTER TABLE "AddressConfirmation" ADD CONSTRAINT "AddressConfirmation_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "AddressChangeRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ContactHandover" ADD CONSTRAINT "ContactHandover_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ContactHandover" ADD CONSTRAINT "ContactHandover_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ContactHandover" ADD CONSTRAINT "ContactHandover_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "MemberRemoval" ADD CONSTRAINT "MemberRemoval_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "MemberRemoval" ADD CONSTRAINT "MemberRemoval_removedById_fkey" FOREIGN KEY ("removedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "MemberRemoval" ADD CONSTRAINT "MemberRemoval_reinstatedById_fkey" FOREIGN KEY ("reinstatedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "EmbargoBreach" ADD CONSTRAINT "EmbargoBreach_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "EmbargoBreach" ADD CONSTRAINT "EmbargoBreach_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "AttestationRound" ADD CONSTRAINT "AttestationRound_startedById_fkey" FOREIGN KEY ("startedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Attestation" ADD CONSTRAINT "Attestation_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "AttestationRound"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Identities in their normal form, as everywhere else.
ALTER TABLE "AddressConfirmation" ADD CONSTRAINT "AddressConfirmation_address_normalised" CHECK ("is_normalised_email"("address"));
ALTER TABLE "ContactHandover" ADD CONSTRAINT "ContactHandover_newContactEmail_normalised" CHECK ("is_normalised_email"("newContactEmail"));

-- What members already had: the addresses from their application, and the
-- policy version accepted on it.
UPDATE "SubscriberAddress" SET "addedReason" = 'Approved application' WHERE "addedReason" = '';
UPDATE "Member" AS m
   SET "acceptedPolicyVersion" = (
     SELECT max(a."acceptedPolicyVersion")
       FROM "CriterionAnswer" AS a
      WHERE a."applicationId" = m."applicationId" AND a."accepted"
   );
