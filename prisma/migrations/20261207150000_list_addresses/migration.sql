-- An address to subscribe must be one that every list system the portal
-- feeds takes (lib/email.ts, LIST_LOCAL_PART): the local part a dot-atom of
-- letters, digits and . _ - + ', starting with a letter or digit. Addresses
-- stored before this rule are kept as they are (nothing is dropped) and
-- reported instead: at every migration and start-up, on /members and on
-- the member's page. For an address already in normal form
-- ("is_normalised_email"), so only its local part is looked at here.
-- test/integration/list-addresses.test.ts checks that this and
-- isListAddress agree.
CREATE FUNCTION "is_list_address"(address TEXT) RETURNS BOOLEAN
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT address ~ '^[a-z0-9][a-z0-9_''+-]*(\.[a-z0-9_''+-]+)*@[^@]+$'
$fn$;

-- The subscribed addresses the list systems refuse, found without reading
-- every address: normally none, so /members asks an empty index.
CREATE INDEX "SubscriberAddress_unlistable_idx" ON "SubscriberAddress" ("memberId")
  WHERE "removedAt" IS NULL AND NOT "is_list_address"("address");
