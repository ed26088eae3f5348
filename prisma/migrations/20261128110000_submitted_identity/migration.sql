-- What the voucher vouched for (organisation, domains, list addresses as
-- last submitted), kept on the application instead of being read back out of
-- the audit log. Existing applications take it from their last submission event.
ALTER TABLE "Application" ADD COLUMN "submittedIdentity" TEXT;

UPDATE "Application" AS a
   SET "submittedIdentity" = (
     SELECT e."data"->>'identity'
       FROM "AuditEvent" AS e
      WHERE e."subjectType" = 'Application'
        AND e."subjectId" = a."id"
        AND e."action" IN ('application.submitted', 'application.resubmitted')
      ORDER BY e."id" DESC
      LIMIT 1
   );
