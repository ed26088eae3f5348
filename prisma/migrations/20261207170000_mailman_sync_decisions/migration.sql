-- Issue 19, follow-up: a removed member's address that the Mailman sync keeps
-- (subscribed by someone else than the portal) is never reported as done.
--
-- UNRESOLVED: a run found an address the portal once listed and lists no more
--   still subscribed by a subscription the portal did not make, and nobody
--   had decided about it: the run is not applied.
-- KEPT: the team decided that subscription (by Mailman's member id) is not
--   the portal's to manage (the team's own address); "listedFrom" holds the
--   start of the address's latest listing by the portal when the decision
--   was made, so that a later listing (and removal) asks again.
-- ADOPTED: `sync mailman --adopt` recorded an existing subscription of a
--   listed address as the portal's own (deployments upgraded from before the
--   sync recorded its subscriptions), so that the sync removes it when the
--   address leaves the list.
--
-- New values are only added here, not used, so this runs in one transaction.

-- AlterEnum
ALTER TYPE "MailmanSyncChangeKind" ADD VALUE 'UNRESOLVED';
ALTER TYPE "MailmanSyncChangeKind" ADD VALUE 'KEPT';
ALTER TYPE "MailmanSyncChangeKind" ADD VALUE 'ADOPTED';

-- AlterTable
ALTER TABLE "MailmanSyncChange" ADD COLUMN "listedFrom" TIMESTAMP(3);
