-- AlterTable
ALTER TABLE "Application" ADD COLUMN "voucherEmail" TEXT;

-- AlterEnum
ALTER TYPE "OutboxStatus" ADD VALUE 'STORED';
