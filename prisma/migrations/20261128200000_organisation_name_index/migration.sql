-- The review page looks for members and other applications with the same
-- organisation name in any case (lower(organisation) = lower($1)); without
-- an index each page view read every application (7 ms for 10,000 on
-- Postgres, several times that on the embedded database). schema.prisma
-- cannot declare an index on an expression: test/helpers/schema-drift.ts
-- lists these two.
CREATE INDEX "Application_organisation_lower_idx" ON "Application"(lower("organisation"));
CREATE INDEX "Member_organisation_lower_idx" ON "Member"(lower("organisation"));
