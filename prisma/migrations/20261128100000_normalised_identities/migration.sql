-- E-mail addresses and domains are identities: stored in one normal form
-- (lib/email.ts: trimmed, NFKC, lower-cased, plain ASCII) and compared with
-- equality only. Existing rows are brought to that form, then the database
-- refuses any other, so that no code path can store a spelling that a later
-- equality look-up would miss (or a pattern look-up would over-match).
--
-- The functions are self-contained (no calls to each other) so that they
-- work under any search_path, e.g. while pg_restore checks the constraints.

CREATE FUNCTION "is_normalised_email"(address TEXT) RETURNS BOOLEAN
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT length(address) <= 254
     AND position('@' IN address) BETWEEN 2 AND 65
     AND address ~ '^[a-z0-9!#$%&''*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&''*+/=?^_`{|}~-]+)*@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$'
$fn$;

CREATE FUNCTION "are_normalised_emails"(addresses TEXT[]) RETURNS BOOLEAN
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT coalesce(bool_and(
           item IS NOT NULL
       AND length(item) <= 254
       AND position('@' IN item) BETWEEN 2 AND 65
       AND item ~ '^[a-z0-9!#$%&''*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&''*+/=?^_`{|}~-]+)*@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$'
         ), true)
    FROM unnest(addresses) AS item
$fn$;

CREATE FUNCTION "are_normalised_domains"(domains TEXT[]) RETURNS BOOLEAN
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT coalesce(bool_and(
           item IS NOT NULL
       AND length(item) <= 253
       AND item ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$'
         ), true)
    FROM unnest(domains) AS item
$fn$;

-- Existing rows in the normal form (lower-cased; the forms accepted so far
-- differed from it only in the case of the local part).
UPDATE "User" SET "email" = lower(btrim("email")) WHERE "email" <> lower(btrim("email"));
UPDATE "TeamMember" SET "email" = lower(btrim("email")) WHERE "email" <> lower(btrim("email"));
UPDATE "VerificationToken" SET "identifier" = lower(btrim("identifier")) WHERE "identifier" <> lower(btrim("identifier"));
UPDATE "Member" SET "contactEmail" = lower(btrim("contactEmail")),
                    "orgDomains" = ARRAY(SELECT lower(btrim(item)) FROM unnest("orgDomains") AS item);
UPDATE "SubscriberAddress" SET "address" = lower(btrim("address")) WHERE "address" <> lower(btrim("address"));
UPDATE "AliasVerification" SET "address" = lower(btrim("address")) WHERE "address" <> lower(btrim("address"));
UPDATE "Vouch" SET "voucherEmail" = lower(btrim("voucherEmail")) WHERE "voucherEmail" <> lower(btrim("voucherEmail"));
UPDATE "Application" SET "listAddresses" = ARRAY(SELECT lower(btrim(item)) FROM unnest("listAddresses") AS item),
                         "orgDomains" = ARRAY(SELECT lower(btrim(item)) FROM unnest("orgDomains") AS item),
                         "securityAlias" = lower(btrim("securityAlias")),
                         "voucherEmail" = lower(btrim("voucherEmail"));
UPDATE "AddressChangeRequest" SET "addAddresses" = ARRAY(SELECT lower(btrim(item)) FROM unnest("addAddresses") AS item),
                                  "removeAddresses" = ARRAY(SELECT lower(btrim(item)) FROM unnest("removeAddresses") AS item);
UPDATE "Export" SET "addresses" = ARRAY(SELECT lower(btrim(item)) FROM unnest("addresses") AS item);

ALTER TABLE "User" ADD CONSTRAINT "User_email_normalised" CHECK ("is_normalised_email"("email"));
ALTER TABLE "TeamMember" ADD CONSTRAINT "TeamMember_email_normalised" CHECK ("is_normalised_email"("email"));
ALTER TABLE "VerificationToken" ADD CONSTRAINT "VerificationToken_identifier_normalised" CHECK ("is_normalised_email"("identifier"));
ALTER TABLE "Member" ADD CONSTRAINT "Member_contactEmail_normalised" CHECK ("is_normalised_email"("contactEmail"));
ALTER TABLE "Member" ADD CONSTRAINT "Member_orgDomains_normalised" CHECK ("are_normalised_domains"("orgDomains"));
ALTER TABLE "SubscriberAddress" ADD CONSTRAINT "SubscriberAddress_address_normalised" CHECK ("is_normalised_email"("address"));
ALTER TABLE "AliasVerification" ADD CONSTRAINT "AliasVerification_address_normalised" CHECK ("is_normalised_email"("address"));
ALTER TABLE "Vouch" ADD CONSTRAINT "Vouch_voucherEmail_normalised" CHECK ("is_normalised_email"("voucherEmail"));
ALTER TABLE "AddressChangeRequest" ADD CONSTRAINT "AddressChangeRequest_addresses_normalised"
  CHECK ("are_normalised_emails"("addAddresses") AND "are_normalised_emails"("removeAddresses"));
ALTER TABLE "Export" ADD CONSTRAINT "Export_addresses_normalised" CHECK ("are_normalised_emails"("addresses"));
-- A draft (or an application sent back for changes) keeps what the applicant
-- typed until it is corrected; from submission on, its identities are checked.
ALTER TABLE "Application" ADD CONSTRAINT "Application_identities_normalised" CHECK (
  "state" NOT IN ('SUBMITTED', 'IN_REVIEW', 'APPROVED')
  OR ("are_normalised_emails"("listAddresses")
      AND "is_normalised_email"("securityAlias")
      AND ("voucherEmail" IS NULL OR "is_normalised_email"("voucherEmail"))
      AND "are_normalised_domains"("orgDomains"))
);
