// Demo data for a newcomer's portal: one owner, two reviewers, three member
// distributions, an advisory in flight and one disclosed (prisma/seed-advisories.ts),
// and applications in several states, reached through the
// workflow's own functions (prisma/seed-applications.ts). Idempotent: a second
// run changes nothing. `npm run dev` runs it on the embedded database's first start.
import { pathToFileURL } from "node:url";
import { recordAuditEvent, SYSTEM_ACTOR } from "@/features/audit/mutations";
import type { TeamViewer } from "@/features/auth/data";
import { PASSKEYS_REQUIRED_SETTING } from "@/features/auth/factors";
import { contextOf } from "@/features/portal-config/context";
import { loadPortalConfig } from "@/features/portal-config/load";
import type { PortalConfig } from "@/features/portal-config/schema";
import type { Prisma } from "@/generated/prisma/client";
import { parseEnv } from "@/lib/env";
import { organisationKey } from "@/lib/organisation-key";
import { createDatabase, type Database } from "@/lib/prisma";
import { seedAdvisories } from "@/prisma/seed-advisories";
import { type DemoApplication, seedApplication } from "@/prisma/seed-applications";
import { seedMemberLifecycle } from "@/prisma/seed-members";

const SEED_MARKER = "demo-seed";

export const DEMO = {
  owner: "alice@security.kmesh.example",
  reviewers: ["bob@security.kmesh.example", "carol@reviewers.example"],
  applicant: "dana@umbrella.example",
} as const;

const MEMBERS = [
  {
    distributionName: "Acme Mesh",
    organisation: "Acme Corporation",
    website: "https://acme.example",
    orgDomains: ["acme.example"],
    contactEmail: "security@acme.example",
    addresses: ["kmesh-security@acme.example"],
  },
  {
    distributionName: "Globex Service Mesh",
    organisation: "Globex",
    website: "https://globex.example",
    orgDomains: ["globex.example"],
    contactEmail: "psirt@globex.example",
    addresses: ["psirt@globex.example", "mesh-oncall@globex.example"],
  },
  {
    distributionName: "Initech Cloud Networking",
    organisation: "Initech",
    website: "https://initech.example",
    orgDomains: ["initech.example", "initech-cloud.example"],
    contactEmail: "security@initech.example",
    addresses: ["product-security@initech.example"],
  },
];

// Initech's contact vouches: the applicants name a current member's contact,
// as the rules require.
const VOUCHER = "security@initech.example";

const APPLICATIONS: DemoApplication[] = [
  // Both addresses (alias and PSIRT) confirmed and vouch confirmed: in
  // review, nobody has voted yet. Two reviewers' approvals take it to approved.
  {
    applicant: DEMO.applicant,
    distributionName: "Umbrella Mesh",
    organisation: "Umbrella",
    domain: "umbrella.example",
    reach: "IN_REVIEW",
    alsoSubscribe: ["psirt"],
  },
  // Submitted: the alias is verified; its second list address and the
  // voucher have not answered yet (their links are in the outbox).
  {
    applicant: "miles@cyberdyne.example",
    distributionName: "Cyberdyne Mesh",
    organisation: "Cyberdyne Systems",
    domain: "cyberdyne.example",
    reach: "SUBMITTED",
    vouched: false,
    alsoSubscribe: ["oncall"],
    unconfirmed: ["oncall"],
  },
  // In review with one approval, bob's.
  {
    applicant: "erin@hooli.example",
    distributionName: "Hooli Kmesh",
    organisation: "Hooli",
    domain: "hooli.example",
    reach: "IN_REVIEW",
    approvedBy: DEMO.reviewers[0],
  },
  {
    applicant: "frank@wonka.example",
    distributionName: "Wonka Edge",
    organisation: "Wonka Industries",
    domain: "wonka.example",
    reach: "CHANGES_REQUESTED",
  },
  {
    applicant: DEMO.applicant,
    distributionName: "Umbrella Lab Build",
    organisation: "Umbrella Labs",
    domain: "umbrella-labs.example",
    reach: "DRAFT",
  },
  {
    applicant: "gus@vandelay.example",
    distributionName: "Vandelay Rebuild",
    organisation: "Vandelay Industries",
    domain: "vandelay.example",
    reach: "REJECTED",
  },
];

/**
 * Seeds the demo data once: the marker setting is written with the team and
 * members in the first transaction, so a second run (every `npm run dev` on
 * the same data) finds it and changes nothing. The applications then go
 * through the workflow step by step, each step its own transaction as in the
 * portal; a seed interrupted half-way keeps the steps it reached (delete the
 * data directory to start again).
 */
export async function seedDemoData(
  db: Database,
  config: PortalConfig,
  { baseUrl = "http://localhost:3000" }: { baseUrl?: string } = {},
): Promise<boolean> {
  const users = await db.$transaction(
    async (tx) => {
      const done = await tx.setting.findUnique({ where: { key: SEED_MARKER } });
      if (done) return null;
      await tx.setting.create({ data: { key: SEED_MARKER, value: { seededAt: new Date().toISOString() } } });
      // The demo's team signs in with an e-mail link alone; an owner can require passkeys on /team.
      await tx.setting.upsert({
        where: { key: PASSKEYS_REQUIRED_SETTING },
        create: { key: PASSKEYS_REQUIRED_SETTING, value: false },
        update: { value: false },
      });
      return seedPeopleAndMembers(tx, config, baseUrl);
    },
    { timeout: 60_000 },
  );
  if (!users) return false;
  const context = contextOf(config, baseUrl);
  const teamViewer = (email: string, role: "OWNER" | "REVIEWER"): TeamViewer => ({
    id: users.get(email) as string,
    email,
    role,
  });
  const actors = {
    users,
    owner: teamViewer(DEMO.owner, "OWNER"),
    reviewers: DEMO.reviewers.map((email) => teamViewer(email, "REVIEWER")),
    voucherEmail: VOUCHER,
  };
  const journeysFrom = new Date();
  for (const demo of APPLICATIONS) await seedApplication(db, config, context, actors, demo);
  // The mail of those steps stays in the outbox to be read (/dev/outbox), not
  // sent: its addresses are made up, and some fifty queued messages would hold
  // up the first real ones (sign-in links), as delivery sends the oldest first.
  await db.outboxMail.updateMany({
    where: { status: "PENDING", createdAt: { gte: journeysFrom } },
    data: { status: "STORED" },
  });
  return true;
}

/** The team, the applicants' accounts, the members and the member lifecycle; returns each user's id by address. */
async function seedPeopleAndMembers(tx: Prisma.TransactionClient, config: PortalConfig, baseUrl: string) {
  // Audited as any roster change is: restore checks the roster against the audit log.
  const roster = [
    { email: DEMO.owner, role: "OWNER" as const },
    ...DEMO.reviewers.map((email) => ({ email, role: "REVIEWER" as const })),
  ];
  for (const { email, role } of roster) {
    const member = await tx.teamMember.create({ data: { email, role } });
    await recordAuditEvent(tx, {
      actor: SYSTEM_ACTOR,
      action: "team.added",
      subjectType: "TeamMember",
      subjectId: member.id,
      data: { email, role },
    });
  }
  const team = [DEMO.owner, ...DEMO.reviewers];
  const users = new Map<string, string>();
  for (const email of [...team, ...new Set(APPLICATIONS.map((app) => app.applicant))]) {
    const user = await tx.user.create({ data: { email, emailVerified: new Date() } });
    users.set(email, user.id);
  }

  const members = new Map<string, { id: string; contactEmail: string }>();
  // They joined before the portal, over a year ago (before this year's re-attestation).
  const joined = new Date(Date.now() - 400 * 24 * 60 * 60 * 1000);
  for (const { addresses, ...member } of MEMBERS) {
    const created = await tx.member.create({
      data: {
        ...member,
        approvedAt: joined,
        activeOrganisationKey: organisationKey(member.organisation),
        addresses: {
          create: addresses.map((address) => ({ address, addedReason: "Joined before the portal", createdAt: joined })),
        },
      },
    });
    members.set(created.distributionName, { id: created.id, contactEmail: created.contactEmail });
    await recordAuditEvent(tx, {
      actor: SYSTEM_ACTOR,
      action: "member.seeded",
      subjectType: "Member",
      subjectId: created.id,
      data: { distributionName: member.distributionName, addresses },
    });
  }
  await seedMemberLifecycle(tx, config, { members, ownerId: users.get(DEMO.owner) as string, baseUrl });
  await seedAdvisories(tx, config, { owner: { id: users.get(DEMO.owner) as string, email: DEMO.owner }, baseUrl });
  return users;
}

async function main() {
  const result = parseEnv(process.env);
  if (!result.ok || !result.env.databaseUrl) {
    console.error("db:seed: DATABASE_URL must be set to a postgres:// URL");
    process.exit(1);
  }
  const db = createDatabase(result.env.databaseUrl);
  try {
    const seeded = await seedDemoData(db, loadPortalConfig(result.env.portalConfigPath), {
      baseUrl: result.env.nextAuthUrl,
    });
    console.log(seeded ? "demo data seeded" : "demo data already present");
  } finally {
    await db.$disconnect();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error: unknown) => {
    console.error(`db:seed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
