-- Issue 20, item 1: a pending vouch follows the member's contact.
--
-- MOVED: a contact handover made someone else the member's contact while the
--   request waited; the request was asked again of the new contact (a newer
--   Vouch row of the same application) and this one's link no longer works.
-- ENDED: the member was removed while the request waited; the applicant
--   names another voucher.
-- "closedAt" is when a request was moved or ended.
--
-- New values are only added here, not used, so this runs in one transaction.

-- AlterEnum
ALTER TYPE "VouchStatus" ADD VALUE 'MOVED';
ALTER TYPE "VouchStatus" ADD VALUE 'ENDED';

-- AlterTable
ALTER TABLE "Vouch" ADD COLUMN "closedAt" TIMESTAMP(3);
