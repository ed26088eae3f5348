// Seeds the bench's data set in bulk (scripts/bench/seed-sql.ts), with a
// progress bar on stderr, then the people the scenarios act as: a reviewer
// with a session, an owner's API token, and the submission scenario's
// applicants, each with a session and a draft ready to submit.
import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { createApiToken } from "@/features/api-tokens/mutations";
import type { PortalConfig } from "@/features/portal-config/schema";
import { createDatabase } from "@/lib/prisma";
import * as sql from "./seed-sql";

export type BenchFixture = {
  applications: number;
  members: number;
  addresses: number;
  /** Cookie header of a reviewer's session. */
  reviewerCookie: string;
  /** An application in review, with votes, assessments and a comment. */
  reviewApplicationId: string;
  /** Bearer token of an owner's API token with members:read. */
  apiToken: string;
  submitters: { applicationId: string; cookie: string; fields: Record<string, string> }[];
};

const COOKIE = "next-auth.session-token";

/** 10,000 applications × BENCH_SCALE (default 1): a smaller data set for trying the harness out. */
export function dataSize(): { applications: number; members: number } {
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  if (!(scale > 0)) throw new Error("BENCH_SCALE must be a positive number");
  const applications = Math.max(20, Math.round((10_000 * scale) / 20) * 20);
  return { applications, members: applications / 5 };
}

export async function seedBench(url: string, config: PortalConfig, submissions: number): Promise<BenchFixture> {
  const { applications, members } = dataSize();
  const keys = config.criteria.map((criterion) => criterion.key);
  const kinds = config.criteria.map((criterion) => criterion.kind);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const bar = progressBar();
  try {
    // Member 1 (active) became application 9: its contact vouches for every submission.
    const voucher = "security@vendor9.example";
    const steps: { label: string; rows: number; run: (lo: number, hi: number) => Promise<unknown>; of: number }[] = [
      { label: "users", of: applications, rows: 1, run: (lo, hi) => client.query(sql.USERS, [lo, hi]) },
      {
        label: "applications",
        of: applications,
        rows: 1,
        run: (lo, hi) => client.query(sql.APPLICATIONS, [lo, hi, sql.STATES, members]),
      },
      { label: "members", of: members, rows: 1, run: (lo, hi) => client.query(sql.MEMBERS, [lo, hi, config.version]) },
      {
        label: "subscriber addresses",
        of: members,
        rows: sql.ADDRESSES_PER_MEMBER,
        run: (lo, hi) => client.query(sql.ADDRESSES, [lo, hi]),
      },
      {
        label: "answers",
        of: applications,
        rows: keys.length,
        run: (lo, hi) => client.query(sql.ANSWERS, [lo, hi, keys, kinds, config.version]),
      },
      ...(
        [
          ["alias verifications", sql.ALIAS_VERIFICATIONS, 1],
          ["vouches", sql.VOUCHES, 1],
          ["assessments", sql.ASSESSMENTS, 2 * keys.length],
          ["votes", sql.VOTES, 2],
          ["comments", sql.COMMENTS, 1],
          ["views", sql.VIEWS, 1],
          ["audit events", sql.AUDIT_EVENTS, 1],
        ] as const
      ).map(([label, statement, rows]) => ({
        label,
        of: applications,
        rows,
        run: (lo: number, hi: number) => {
          const extra = statement === sql.VOUCHES ? [members] : statement === sql.ASSESSMENTS ? [keys] : [];
          return client.query(statement, [lo, hi, sql.STATES, ...extra]);
        },
      })),
      { label: "applicants to submit", of: submissions, rows: 3, run: (lo, hi) => submitters(client, lo, hi, voucher) },
    ];
    const total = steps.reduce((sum, step) => sum + step.of * step.rows, 0);
    let done = 0;
    await client.query("BEGIN");
    await team(client);
    for (const step of steps) {
      const chunk = Math.max(1, Math.ceil(step.of / 10));
      for (let lo = 1; lo <= step.of; lo += chunk) {
        const hi = Math.min(step.of, lo + chunk - 1);
        await step.run(lo, hi);
        done += (hi - lo + 1) * step.rows;
        bar(step.label, done / total);
      }
    }
    await client.query("COMMIT");
    bar("VACUUM ANALYZE", 1);
    // What autovacuum would have done by now on a database that grew to this
    // size (PGlite runs none): statistics, and the entries the bulk inserts
    // left pending in the GIN indexes merged (unmerged, every lookup scans them).
    await client.query("VACUUM ANALYZE");
    bar.done();

    const submitted = Array.from({ length: submissions }, (_, i) => i + 1);
    // The third reviewer, who has not voted yet.
    const tokens = await sessions(client, [sql.teamUserId(3), ...submitted.map(sql.submitterId)]);
    return {
      applications,
      members,
      addresses: members * sql.ADDRESSES_PER_MEMBER,
      reviewerCookie: `${COOKIE}=${tokens[0]}`,
      // Application 5 (5 % 20): in review, with a vote, assessments and a comment.
      reviewApplicationId: `benchapp${"5".padStart(16, "0")}`,
      apiToken: await ownerToken(url),
      submitters: submitted.map((g) => ({
        applicationId: sql.submissionId(g),
        cookie: `${COOKIE}=${tokens[g]}`,
        fields: submissionFields(config, g, sql.submissionId(g), voucher),
      })),
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

async function team(client: pg.Client) {
  const ids = sql.TEAM.map((_, k) => sql.teamUserId(k));
  const emails = sql.TEAM.map((name) => `${name}@bench-team.example`);
  const roles = sql.TEAM.map((name) => (name === "owner" ? "OWNER" : "REVIEWER"));
  await client.query(
    `INSERT INTO "User" (id, email, "emailVerified", "updatedAt") SELECT id, email, now(), now() FROM unnest($1::text[], $2::text[]) AS t(id, email)`,
    [ids, emails],
  );
  await client.query(
    `INSERT INTO "TeamMember" (id, email, role, "updatedAt") SELECT 'benchtm' || email, email, role::"TeamRole", now() FROM unnest($1::text[], $2::text[]) AS t(email, role)`,
    [emails, roles],
  );
}

async function submitters(client: pg.Client, lo: number, hi: number, voucher: string) {
  await client.query(sql.SUBMITTER_USERS, [lo, hi]);
  await client.query(sql.SUBMITTER_DRAFTS, [lo, hi, voucher]);
  await client.query(sql.SUBMITTER_ALIASES, [lo, hi]);
}

/** A live session for each user, as next-auth's adapter stores it (the cookie's token, hashed); the tokens. */
async function sessions(client: pg.Client, userIds: string[]): Promise<string[]> {
  const tokens = userIds.map(() => randomBytes(32).toString("base64url"));
  const hashes = tokens.map((token) => createHash("sha256").update(token).digest("hex"));
  await client.query(sql.SESSIONS, [hashes, userIds]);
  return tokens;
}

async function ownerToken(url: string): Promise<string> {
  const db = createDatabase(url, { max: 1 });
  try {
    const owner = { id: sql.teamUserId(0), email: "owner@bench-team.example" };
    const created = await createApiToken(db, owner, {
      name: "bench export",
      scopes: ["members:read"],
      // A bench run lasts hours; every token must expire (at most 730 days).
      expiresAt: new Date(Date.now() + 30 * 86_400_000),
    });
    if (!created.ok) throw new Error(`no API token: ${JSON.stringify(created)}`);
    return created.token.secret;
  } finally {
    await db.$disconnect();
  }
}

/** The application form as the applicant's browser sends it, complete, with "submit". */
function submissionFields(config: PortalConfig, g: number, applicationId: string, voucher: string) {
  const fields: Record<string, string> = {
    applicationId,
    intent: "submit",
    distributionName: `Newvendor ${g} Mesh`,
    organisation: `Newvendor ${g}`,
    website: `https://newvendor${g}.example`,
    orgDomains: `newvendor${g}.example`,
    listAddresses: `kmesh-security@newvendor${g}.example`,
    securityAlias: `kmesh-security@newvendor${g}.example`,
    voucherEmail: voucher,
  };
  for (const criterion of config.criteria) {
    if (criterion.kind === "evidence") {
      fields[`answer:${criterion.key}`] =
        `Newvendor ${g} Mesh ships Kmesh to outside customers; see our advisories and the linked pull requests.`;
      fields[`evidence:${criterion.key}`] = `https://newvendor${g}.example/security`;
    }
    if (criterion.kind === "acceptance") fields[`accept:${criterion.key}`] = "on";
  }
  return fields;
}

/** A bar on stderr, redrawn in place on a terminal and printed every 10% elsewhere. */
function progressBar() {
  const tty = process.stderr.isTTY;
  let lastTenth = -1;
  const draw = (label: string, fraction: number) => {
    const width = 30;
    const filled = Math.round(fraction * width);
    const line = `seed [${"#".repeat(filled)}${".".repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${label}`;
    if (tty) process.stderr.write(`\r${line.padEnd(80)}`);
    else if (Math.floor(fraction * 10) > lastTenth) {
      lastTenth = Math.floor(fraction * 10);
      process.stderr.write(`${line}\n`);
    }
  };
  return Object.assign(draw, { done: () => tty && process.stderr.write("\n") });
}
