import { afterAll, beforeAll, vi } from "vitest";
import { sendAddressConfirmations } from "@/features/alias-verification/mutations";
import { startApplication } from "@/features/applications/mutations";
import { submitApplication } from "@/features/applications/submission";
import type { Database } from "@/lib/prisma";
import { hashToken } from "@/lib/tokens";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { completeForm, config, context, createMember, createUser } from "@/test/helpers/fixtures";
import { saveDraftForm } from "@/test/helpers/validated";

let counter = 0;

/**
 * A migrated database that the portal's own code uses (DATABASE_URL), with
 * the member whose contact vouches in applicationReadyForReview.
 */
export async function createReviewDatabase(): Promise<TestDatabase & { db: Database }> {
  const database = await createMigratedDatabase();
  vi.stubEnv("DATABASE_URL", database.url);
  await createMember(database.db, {
    distributionName: "Acme Mesh",
    organisation: "Acme",
    domain: "acme.example",
    contactEmail: "security@acme.example",
  });
  return database;
}

/** Closes the portal's own client (lib/db.ts) on the database, then drops it. */
export async function dropReviewDatabase(database: TestDatabase) {
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
  await database.drop();
}

/**
 * The preamble of a test file on the review database: creates it before the
 * file's tests (before the file's own beforeAll hooks, registered after this
 * call) and drops it after them. The client it returns stands for the one
 * created then, so that the file can name it at its top.
 */
export function withReviewDatabase(): Database {
  let current: Database | undefined;
  let database: Awaited<ReturnType<typeof createReviewDatabase>> | undefined;
  beforeAll(async () => {
    database = await createReviewDatabase();
    current = database.db;
  });
  afterAll(async () => {
    if (database) await dropReviewDatabase(database);
  });
  return new Proxy({} as Database, {
    get(_, property) {
      if (!current) throw new Error("the review database is created in beforeAll: use it inside a test or a hook");
      const value = Reflect.get(current, property, current);
      return typeof value === "function" ? value.bind(current) : value;
    },
  });
}

/**
 * An application submitted by a new applicant, with its alias and list
 * addresses confirmed (but those named in `unconfirmed`, by local part or
 * whole address) and (unless `vouched: false`) its vouch confirmed: ready
 * for the reviewers' votes. `claimedDomains` are claimed besides its own
 * domain; `listAddresses` replace its two list addresses (alias and psirt@).
 */
export async function applicationReadyForReview(
  db: Database,
  options: {
    domain?: string;
    vouched?: boolean;
    applicantEmail?: string;
    claimedDomains?: string[];
    listAddresses?: string[];
    unconfirmed?: string[];
  } = {},
) {
  counter++;
  const domain = options.domain ?? `vendor${counter}-${Date.now()}.example`;
  const applicant = await createUser(db, options.applicantEmail ?? `lead@${domain}`);
  const draft = await startApplication(db, applicant, config);
  if (!draft.ok) throw new Error("no draft");
  const alias = `kmesh-security@${domain}`;
  const listAddresses = options.listAddresses ?? [alias, `psirt@${domain}`];
  const saved = await saveDraftForm(
    db,
    applicant,
    draft.id,
    completeForm({
      distributionName: `Vendor ${counter} Mesh`,
      organisation: `Vendor ${counter} ${domain}`,
      orgDomains: [domain, ...(options.claimedDomains ?? [])].join("\n"),
      listAddresses: listAddresses.join("\n"),
      securityAlias: alias,
    }),
    config,
  );
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  const unconfirmed = new Set(options.unconfirmed ?? []);
  for (const address of new Set([alias, ...listAddresses])) {
    if (!unconfirmed.has(address) && !unconfirmed.has(address.split("@")[0] ?? "")) {
      await markAddressVerified(db, draft.id, address);
    }
  }
  // The others' links are mailed, as "Save draft" mails them, and wait in the outbox.
  if (unconfirmed.size > 0) await sendAddressConfirmations(db, applicant, draft.id, context);
  const member = await db.member.findFirstOrThrow({ where: { contactEmail: "security@acme.example" } });
  if (options.vouched !== false) {
    await db.vouch.create({
      data: {
        applicationId: draft.id,
        memberId: member.id,
        voucherEmail: member.contactEmail,
        tokenHash: hashToken(`vouch-${draft.id}`),
        status: "CONFIRMED",
        expiresAt: new Date(Date.now() + 86_400_000),
        respondedAt: new Date(),
      },
    });
  }
  const submitted = await submitApplication(db, applicant, draft.id, config, context);
  if (!submitted.ok) throw new Error(JSON.stringify(submitted));
  return { id: draft.id, applicant, domain };
}

export async function createReviewer(db: Database, email: string, role: "REVIEWER" | "OWNER" = "REVIEWER") {
  const user = await createUser(db, email);
  await db.teamMember.create({ data: { email, role } });
  return { ...user, role };
}

/** The alias of an application, proved: as if its mailed link had been opened. */
export const markAliasVerified = markAddressVerified;

/** One address of an application (its alias or a list address), proved: as if its mailed link had been opened. */
export async function markAddressVerified(db: Database, applicationId: string, address: string) {
  await db.aliasVerification.create({
    data: {
      applicationId,
      address,
      tokenHash: hashToken(`address-${applicationId}-${address}`),
      expiresAt: new Date(Date.now() + 86_400_000),
      verifiedAt: new Date(),
    },
  });
}
