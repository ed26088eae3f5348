-- Exports keep their address set in a side table (one row per address, with
-- the member), a hash of the set, and where the rows are (an unchanged set
-- points at the earlier export's rows); exports can be marked applied to the
-- list; Mailman sync runs are recorded as exports.

-- CreateEnum
CREATE TYPE "ExportChannel" AS ENUM ('WEB', 'API', 'CLI', 'MAILMAN_SYNC');

-- CreateTable
CREATE TABLE "ExportAddress" (
    "exportId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "memberId" TEXT,
    "position" INTEGER NOT NULL,

    CONSTRAINT "ExportAddress_pkey" PRIMARY KEY ("exportId","address")
);

-- AddForeignKey
ALTER TABLE "ExportAddress" ADD CONSTRAINT "ExportAddress_exportId_fkey" FOREIGN KEY ("exportId") REFERENCES "Export"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "ExportAddress" ADD CONSTRAINT "ExportAddress_address_normalised" CHECK ("is_normalised_email"("address"));

-- Earlier exports' arrays become rows.
INSERT INTO "ExportAddress" ("exportId", "address", "position")
SELECT e."id", item, row_number() OVER (PARTITION BY e."id" ORDER BY item COLLATE "C")
FROM "Export" e, LATERAL (SELECT DISTINCT unnest(e."addresses") AS item) items;

-- AlterTable
ALTER TABLE "Export" ADD COLUMN "channel" "ExportChannel" NOT NULL DEFAULT 'WEB',
ADD COLUMN "actorEmail" TEXT,
ADD COLUMN "addressHash" TEXT,
ADD COLUMN "addressCount" INTEGER,
ADD COLUMN "rowsFromId" TEXT,
ADD COLUMN "appliedAt" TIMESTAMP(3),
ADD COLUMN "appliedById" TEXT,
ADD COLUMN "syncAdded" INTEGER,
ADD COLUMN "syncRemoved" INTEGER;

UPDATE "Export" e SET
  "rowsFromId" = e."id",
  "addressCount" = (SELECT count(*) FROM "ExportAddress" r WHERE r."exportId" = e."id"),
  "addressHash" = encode(sha256(convert_to(coalesce(
    (SELECT string_agg(r."address" || E'\t' || coalesce(r."memberId", ''), E'\n' ORDER BY r."address" COLLATE "C") FROM "ExportAddress" r WHERE r."exportId" = e."id"), ''), 'UTF8')), 'hex');

ALTER TABLE "Export" ALTER COLUMN "channel" DROP DEFAULT,
ALTER COLUMN "addressHash" SET NOT NULL,
ALTER COLUMN "addressCount" SET NOT NULL,
ALTER COLUMN "rowsFromId" SET NOT NULL;

ALTER TABLE "Export" DROP CONSTRAINT "Export_addresses_normalised";
ALTER TABLE "Export" DROP COLUMN "addresses";

-- CreateIndex
CREATE UNIQUE INDEX "ExportAddress_exportId_position_key" ON "ExportAddress"("exportId", "position");

-- CreateIndex
CREATE INDEX "ExportAddress_memberId_idx" ON "ExportAddress"("memberId");

-- CreateIndex
CREATE INDEX "Export_format_createdAt_idx" ON "Export"("format", "createdAt");
