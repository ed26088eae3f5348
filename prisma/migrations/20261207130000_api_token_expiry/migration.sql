-- Every API token expires, at most 730 days after it was made (issue 19,
-- item 13): a token is standing read access to the member list, and one
-- forgotten in a script must end on its own. Tokens made with "never" get
-- the same limit as every other: 730 days after they were made. (The portal
-- is younger than that, so none expires at once.) A schema change is not an
-- audited act; each token's new expiry shows on /team/tokens.
UPDATE "ApiToken" SET "expiresAt" = "createdAt" + interval '730 days' WHERE "expiresAt" IS NULL;

ALTER TABLE "ApiToken" ALTER COLUMN "expiresAt" SET NOT NULL;

-- The form allows at most 730 days ahead; the hour covers the application's
-- and the database's clocks disagreeing a little.
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_expires_within_730_days"
  CHECK ("expiresAt" <= "createdAt" + interval '730 days 1 hour');
