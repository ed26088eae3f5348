// The bench's data set in set-based statements: each inserts the rows of a
// range of applications (or members) at once with generate_series, never
// one row per statement. $1 and $2 are always the range.

/** Application g's state: g % 20 indexes this list (30% open, 40% decided). */
export const STATES = [
  ...["DRAFT", "DRAFT", "DRAFT", "SUBMITTED", "SUBMITTED", "IN_REVIEW", "IN_REVIEW", "IN_REVIEW"],
  ...["CHANGES_REQUESTED", "APPROVED", "APPROVED", "APPROVED", "APPROVED", "REJECTED", "REJECTED", "REJECTED"],
  ...["REJECTED", "WITHDRAWN", "WITHDRAWN", "WITHDRAWN"],
];
/** Application g for 1 ≤ g ≤ 20: its state. */
export const stateOf = (g: number) => STATES[g % 20] as string;

export const ADDRESSES_PER_MEMBER = 50;
export const TEAM = ["owner", "reviewer1", "reviewer2", "reviewer3", "reviewer4"];

export const appId = (g: string) => `'benchapp' || lpad((${g})::text, 16, '0')`;
export const userId = (g: string) => `'benchuser' || lpad((${g})::text, 12, '0')`;
export const memberId = (m: string) => `'benchmember' || lpad((${m})::text, 12, '0')`;
export const teamUserId = (k: number) => `benchteam${k}`;
/** The m-th approved application (g % 20 in 9..12), which member m became. */
const approved = (m: string) => `((((${m}) - 1) / 4) * 20 + 9 + ((${m}) - 1) % 4)`;
/** Member m's contact address. */
export const contactOf = (m: string) => `'security@vendor' || ${approved(m)} || '.example'`;
const state = (g: string) => `($3::text[])[(${g}) % 20 + 1]`;

const APPS = "FROM generate_series($1::int, $2::int) g";
const NOT_DRAFT = `${state("g")} <> 'DRAFT'`;
const REVIEWED = `${state("g")} IN ('IN_REVIEW', 'CHANGES_REQUESTED', 'APPROVED', 'REJECTED')`;

export const USERS = `
  INSERT INTO "User" (id, email, "emailVerified", "updatedAt")
  SELECT ${userId("g")}, 'lead@vendor' || g || '.example', now(), now() ${APPS}`;

/** $3 the states; $4 the number of members (each application names one's contact as voucher). */
export const APPLICATIONS = `
  INSERT INTO "Application" (id, "applicantId", state, "distributionName", organisation, website, "orgDomains",
    "listAddresses", "securityAlias", "voucherEmail", "openOrganisationKey", "submittedAt", "decidedAt",
    "decisionReason", "lastActivityAt", "createdAt", "updatedAt")
  SELECT ${appId("g")}, ${userId("g")}, ${state("g")}::"ApplicationState", 'Vendor ' || g || ' Mesh', 'Vendor ' || g,
    'https://vendor' || g || '.example', ARRAY['vendor' || g || '.example'],
    ARRAY['kmesh-security@vendor' || g || '.example'], 'kmesh-security@vendor' || g || '.example',
    ${contactOf("g % $4 + 1")},
    CASE WHEN ${state("g")} IN ('SUBMITTED', 'IN_REVIEW', 'CHANGES_REQUESTED') THEN 'vendor ' || g END,
    CASE WHEN ${NOT_DRAFT} THEN now() - g * interval '1 minute' END,
    CASE WHEN ${state("g")} IN ('APPROVED', 'REJECTED') THEN now() - g * interval '30 seconds' END,
    CASE WHEN ${state("g")} = 'REJECTED' THEN 'No public track record of security fixes yet.' END,
    now() - (g % 700) * interval '1 hour', now() - interval '60 days', now()
  ${APPS}`;

/** $3 the criteria keys, $4 their kinds; $5 the policy version. */
export const ANSWERS = `
  INSERT INTO "CriterionAnswer" (id, "applicationId", "criterionKey", answer, "evidenceUrls", accepted,
    "acceptedPolicyVersion", "acceptedAt", "updatedAt")
  SELECT 'benchanswer' || g || 'k' || c.n, ${appId("g")}, c.key,
    CASE WHEN c.kind = 'evidence' THEN repeat('Vendor ' || g || ' Mesh ships Kmesh to outside customers and publishes advisories. ', 5) ELSE '' END,
    CASE WHEN c.kind = 'evidence' THEN ARRAY['https://vendor' || g || '.example/security'] ELSE '{}'::text[] END,
    c.kind = 'acceptance', CASE WHEN c.kind = 'acceptance' THEN $5 END,
    CASE WHEN c.kind = 'acceptance' THEN now() END, now()
  ${APPS}, unnest($3::text[], $4::text[]) WITH ORDINALITY AS c(key, kind, n)`;

export const ALIAS_VERIFICATIONS = `
  INSERT INTO "AliasVerification" (id, "applicationId", address, "tokenHash", "expiresAt", "verifiedAt", "createdAt")
  SELECT 'benchalias' || g, ${appId("g")}, 'kmesh-security@vendor' || g || '.example', 'benchalias' || g,
    now() + interval '1 day', now() - interval '20 days', now() - interval '21 days'
  ${APPS} WHERE ${NOT_DRAFT}`;

/** $4 the number of members. */
export const VOUCHES = `
  INSERT INTO "Vouch" (id, "applicationId", "memberId", "voucherEmail", "tokenHash", status, "expiresAt", "respondedAt")
  SELECT 'benchvouch' || g, ${appId("g")}, ${memberId("g % $4 + 1")}, ${contactOf("g % $4 + 1")}, 'benchvouch' || g,
    CASE WHEN ${state("g")} = 'SUBMITTED' THEN 'PENDING' ELSE 'CONFIRMED' END::"VouchStatus",
    now() + interval '7 days', CASE WHEN ${state("g")} <> 'SUBMITTED' THEN now() - interval '10 days' END
  ${APPS} WHERE ${NOT_DRAFT}`;

/** Two reviewers' assessment of every criterion. $4 the criteria keys. */
export const ASSESSMENTS = `
  INSERT INTO "CriterionAssessment" (id, "applicationId", "reviewerId", round, "criterionKey", assessment, note, "updatedAt")
  SELECT 'benchassess' || g || 'r' || r || 'k' || c.n, ${appId("g")}, 'benchteam' || r, 1, c.key,
    CASE WHEN ${state("g")} = 'CHANGES_REQUESTED' AND c.n = 2 THEN 'NEEDS_INFO' ELSE 'MET' END::"Assessment",
    CASE WHEN c.n = 2 THEN 'Checked the advisories page.' ELSE '' END, now()
  ${APPS}, generate_series(1, 2) r, unnest($4::text[]) WITH ORDINALITY AS c(key, n)
  WHERE ${REVIEWED}`;

export const VOTES = `
  INSERT INTO "Vote" (id, "applicationId", "reviewerId", round, choice, reason)
  SELECT 'benchvote' || g || 'r' || r, ${appId("g")}, 'benchteam' || r, 1,
    CASE WHEN ${state("g")} = 'REJECTED' THEN 'REJECT' ELSE 'APPROVE' END::"VoteChoice",
    CASE WHEN ${state("g")} = 'REJECTED' THEN 'No public track record of security fixes yet.' END
  ${APPS}, generate_series(1, 2) r
  WHERE ${state("g")} IN ('APPROVED', 'REJECTED') OR (${state("g")} = 'IN_REVIEW' AND r = 1)`;

export const COMMENTS = `
  INSERT INTO "Comment" (id, "applicationId", "authorId", visibility, body)
  SELECT 'benchcomment' || g, ${appId("g")}, 'benchteam1', 'INTERNAL',
    'Their advisories page lists fixes shipped within a week of upstream releases.'
  ${APPS} WHERE ${REVIEWED}`;

export const VIEWS = `
  INSERT INTO "ApplicationView" ("applicationId", "userId", "lastViewedAt")
  SELECT ${appId("g")}, 'benchteam1', now() - interval '1 day'
  ${APPS} WHERE ${NOT_DRAFT}`;

/** One "submitted" event per application that was; the chain's hashes are stand-ins (nothing here verifies it). */
export const AUDIT_EVENTS = `
  INSERT INTO "AuditEvent" ("actorId", "actorEmail", action, "subjectType", "subjectId", data, hash, "createdAt")
  SELECT ${userId("g")}, 'lead@vendor' || g || '.example', 'application.submitted', 'Application', ${appId("g")},
    jsonb_build_object('round', 1), md5('bench' || g) || md5('chain' || g), now() - g * interval '1 minute'
  ${APPS} WHERE ${NOT_DRAFT}`;

/** $3 the policy version. Every 50th member's re-attestation lapsed (still listed). */
export const MEMBERS = `
  INSERT INTO "Member" (id, "distributionName", organisation, website, "orgDomains", "contactEmail", status,
    "activeOrganisationKey", "applicationId", "approvedAt", "acceptedPolicyVersion", "lastAttestedAt", "updatedAt")
  SELECT ${memberId("m")}, 'Vendor ' || a || ' Mesh', 'Vendor ' || a, 'https://vendor' || a || '.example',
    ARRAY['vendor' || a || '.example'], 'security@vendor' || a || '.example',
    CASE WHEN m % 50 = 0 THEN 'REMOVAL_PENDING' ELSE 'ACTIVE' END::"MemberStatus",
    'member vendor ' || a, ${appId("a")}, now() - m * interval '1 hour', $3, now() - interval '100 days', now()
  FROM generate_series($1::int, $2::int) m, LATERAL (SELECT ${approved("m")} AS a) x`;

export const ADDRESSES = `
  INSERT INTO "SubscriberAddress" (id, "memberId", address, "addedReason")
  SELECT 'benchaddress' || m || 'x' || k, ${memberId("m")}, 'list' || k || '@vendor' || ${approved("m")} || '.example',
    'approved'
  FROM generate_series($1::int, $2::int) m, generate_series(1, ${ADDRESSES_PER_MEMBER}) k`;

/** The submission scenario's applicants, each with a draft ready to submit (alias verified). $3 the voucher. */
const submitter = (g: string) => `'benchsubmitter' || lpad((${g})::text, 10, '0')`;
export const submissionId = (g: number) => `benchsubmission${String(g).padStart(12, "0")}`;
export const submitterId = (g: number) => `benchsubmitter${String(g).padStart(10, "0")}`;
export const SUBMITTER_USERS = `
  INSERT INTO "User" (id, email, "emailVerified", "updatedAt")
  SELECT ${submitter("g")}, 'lead@newvendor' || g || '.example', now(), now() ${APPS}`;
export const SUBMITTER_DRAFTS = `
  INSERT INTO "Application" (id, "applicantId", "distributionName", organisation, website, "orgDomains",
    "listAddresses", "securityAlias", "voucherEmail", "updatedAt")
  SELECT 'benchsubmission' || lpad(g::text, 12, '0'), ${submitter("g")}, 'Newvendor ' || g || ' Mesh',
    'Newvendor ' || g, 'https://newvendor' || g || '.example', ARRAY['newvendor' || g || '.example'],
    ARRAY['kmesh-security@newvendor' || g || '.example'], 'kmesh-security@newvendor' || g || '.example', $3, now()
  ${APPS}`;
export const SUBMITTER_ALIASES = `
  INSERT INTO "AliasVerification" (id, "applicationId", address, "tokenHash", "expiresAt", "verifiedAt")
  SELECT 'benchsubalias' || g, 'benchsubmission' || lpad(g::text, 12, '0'), 'kmesh-security@newvendor' || g || '.example',
    'benchsubalias' || g, now() + interval '1 day', now()
  ${APPS}`;

export const SESSIONS = `
  INSERT INTO "Session" (id, "sessionToken", "userId", expires)
  SELECT 'benchsession' || s."userId", s.hash, s."userId", now() + interval '7 days'
  FROM unnest($1::text[], $2::text[]) AS s(hash, "userId")`;
