-- The same checks as 20261128100000_normalised_identities, accepting exactly
-- the same addresses and domains, written so that Postgres's regular
-- expression engine does not expand the bounded repetitions: a label's
-- `[a-z0-9-]{0,61}` cost about 13 µs an address, 1.4 s for the 100,000 rows
-- an export records. A label is now any run of letters, digits and inner
-- hyphens, and "at most 63 characters" is checked apart, only where a label
-- could be longer: a domain of more than 63 characters. The TLD's
-- `[a-z]{2,63}` is `[a-z][a-z]+` with that same length rule.
-- test/integration/identity-checks.test.ts compares these with the first
-- versions on generated addresses and domains.

CREATE OR REPLACE FUNCTION "is_normalised_email"(address TEXT) RETURNS BOOLEAN
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT length(address) <= 254
     AND position('@' IN address) BETWEEN 2 AND 65
     AND address ~ '^[a-z0-9!#$%&''*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&''*+/=?^_`{|}~-]+)*@([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z]+$'
     AND (length(address) - position('@' IN address) <= 63 OR split_part(address, '@', 2) !~ '[^.]{64}')
$fn$;

CREATE OR REPLACE FUNCTION "are_normalised_emails"(addresses TEXT[]) RETURNS BOOLEAN
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT coalesce(bool_and(
           item IS NOT NULL
       AND length(item) <= 254
       AND position('@' IN item) BETWEEN 2 AND 65
       AND item ~ '^[a-z0-9!#$%&''*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&''*+/=?^_`{|}~-]+)*@([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z]+$'
       AND (length(item) - position('@' IN item) <= 63 OR split_part(item, '@', 2) !~ '[^.]{64}')
         ), true)
    FROM unnest(addresses) AS item
$fn$;

CREATE OR REPLACE FUNCTION "are_normalised_domains"(domains TEXT[]) RETURNS BOOLEAN
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT coalesce(bool_and(
           item IS NOT NULL
       AND length(item) <= 253
       AND item ~ '^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z]+$'
       AND (length(item) <= 63 OR item !~ '[^.]{64}')
         ), true)
    FROM unnest(domains) AS item
$fn$;
