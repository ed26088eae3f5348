-- An export's address set as one row per member, its addresses in the file's
-- order, instead of one row per address: a 100,000-address list of 2,000
-- members is recorded as 2,000 rows with one index entry each, where the
-- per-address rows cost 100,000 rows and three index entries each (most of a
-- first export's time; README, "Performance").

-- CreateTable
CREATE TABLE "ExportMember" (
    "exportId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "memberId" TEXT,
    "addresses" TEXT[],

    CONSTRAINT "ExportMember_pkey" PRIMARY KEY ("exportId","position")
);

-- CreateIndex
CREATE INDEX "ExportMember_memberId_idx" ON "ExportMember"("memberId");

-- AddForeignKey
ALTER TABLE "ExportMember" ADD CONSTRAINT "ExportMember_exportId_fkey" FOREIGN KEY ("exportId") REFERENCES "Export"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every address normalised, as ExportAddress's were (the COPY writer quotes none).
ALTER TABLE "ExportMember" ADD CONSTRAINT "ExportMember_addresses_normalised"
  CHECK ("addresses" IS NOT NULL AND cardinality("addresses") > 0 AND "are_normalised_emails"("addresses"));

-- The rows move in their file order: each run of one member's consecutive
-- rows becomes one row (a member's rows are consecutive in every export the
-- portal recorded; a run keeps the order even where they were not), and a
-- row without a member stays a member of its own, as the writers read it.
INSERT INTO "ExportMember" ("exportId", "position", "memberId", "addresses")
SELECT r."exportId",
       row_number() OVER (PARTITION BY r."exportId" ORDER BY min(r."position")),
       r."memberId",
       array_agg(r."address" ORDER BY r."position")
FROM (
  SELECT "exportId", "address", "memberId", "position",
         CASE WHEN "memberId" IS NULL THEN "position"
              ELSE "position" - row_number() OVER (PARTITION BY "exportId", "memberId" ORDER BY "position")
         END AS "run"
  FROM "ExportAddress"
) r
GROUP BY r."exportId", r."memberId", r."run";

-- DropTable
DROP TABLE "ExportAddress";
