// Demo data for a newcomer's portal: one owner, two reviewers, three member
// distributions and applications in several states. Idempotent: a second run
// changes nothing. `npm run dev` runs it on the embedded database's first start.
import { pathToFileURL } from "node:url";
import { type Actor, recordAuditEvent, SYSTEM_ACTOR } from "@/features/audit/mutations";
import { loadPortalConfig } from "@/features/portal-config/load";
import type { PortalConfig } from "@/features/portal-config/schema";
import { isIn, OPEN_STATES, REVIEWABLE_STATES } from "@/features/workflow/states";
import type { ApplicationState, Prisma } from "@/generated/prisma/client";
import { parseEnv } from "@/lib/env";
import { organisationKey } from "@/lib/organisation-key";
import { createDatabase, type Database } from "@/lib/prisma";
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

type DemoApplication = {
  applicant: string;
  distributionName: string;
  organisation: string;
  domain: string;
  state: ApplicationState;
  decisionReason?: string;
};

const APPLICATIONS: DemoApplication[] = [
  {
    applicant: DEMO.applicant,
    distributionName: "Umbrella Mesh",
    organisation: "Umbrella",
    domain: "umbrella.example",
    state: "SUBMITTED",
  },
  {
    applicant: "erin@hooli.example",
    distributionName: "Hooli Kmesh",
    organisation: "Hooli",
    domain: "hooli.example",
    state: "IN_REVIEW",
  },
  {
    applicant: "frank@wonka.example",
    distributionName: "Wonka Edge",
    organisation: "Wonka Industries",
    domain: "wonka.example",
    state: "CHANGES_REQUESTED",
  },
  {
    applicant: DEMO.applicant,
    distributionName: "Umbrella Lab Build",
    organisation: "Umbrella Labs",
    domain: "umbrella-labs.example",
    state: "DRAFT",
  },
  {
    applicant: "gus@vandelay.example",
    distributionName: "Vandelay Rebuild",
    organisation: "Vandelay Industries",
    domain: "vandelay.example",
    state: "REJECTED",
    decisionReason:
      "A rebuild of another distribution (criterion 4); the track record links pointed to upstream advisories.",
  },
];

export async function seedDemoData(
  db: Database,
  config: PortalConfig,
  { baseUrl = "http://localhost:3000" }: { baseUrl?: string } = {},
): Promise<boolean> {
  return db.$transaction(
    async (tx) => {
      const done = await tx.setting.findUnique({ where: { key: SEED_MARKER } });
      if (done) return false;
      const seeder: Actor = SYSTEM_ACTOR;

      await tx.teamMember.create({ data: { email: DEMO.owner, role: "OWNER" } });
      for (const email of DEMO.reviewers) await tx.teamMember.create({ data: { email, role: "REVIEWER" } });
      const team = [DEMO.owner, ...DEMO.reviewers];
      const users = new Map<string, string>();
      for (const email of [...team, ...new Set(APPLICATIONS.map((app) => app.applicant))]) {
        const user = await tx.user.create({ data: { email, emailVerified: new Date() } });
        users.set(email, user.id);
      }

      const memberIds: string[] = [];
      const members = new Map<string, { id: string; contactEmail: string }>();
      for (const { addresses, ...member } of MEMBERS) {
        const created = await tx.member.create({
          data: {
            ...member,
            activeOrganisationKey: organisationKey(member.organisation),
            addresses: { create: addresses.map((address) => ({ address, addedReason: "Joined before the portal" })) },
          },
        });
        memberIds.push(created.id);
        members.set(created.distributionName, { id: created.id, contactEmail: created.contactEmail });
        await recordAuditEvent(tx, {
          actor: seeder,
          action: "member.seeded",
          subjectType: "Member",
          subjectId: created.id,
          data: { distributionName: member.distributionName, addresses },
        });
      }

      for (const demo of APPLICATIONS) {
        const submitted = demo.state !== "DRAFT";
        const application = await tx.application.create({
          data: {
            applicantId: users.get(demo.applicant) as string,
            state: demo.state,
            distributionName: demo.distributionName,
            organisation: demo.organisation,
            website: `https://${demo.domain}`,
            orgDomains: [demo.domain],
            listAddresses: [`kmesh-security@${demo.domain}`],
            securityAlias: `kmesh-security@${demo.domain}`,
            openOrganisationKey: isIn(OPEN_STATES, demo.state) ? organisationKey(demo.organisation) : null,
            voucherEmail: submitted ? (MEMBERS[0]?.contactEmail ?? null) : null,
            submittedAt: submitted ? new Date() : null,
            decidedAt: demo.state === "REJECTED" ? new Date() : null,
            decisionReason: demo.decisionReason ?? null,
            answers: { create: demoAnswers(config, demo) },
          },
        });
        if (submitted) {
          // The submitted and in-review applications arrive with their checks
          // done, so the demo reviewers can take one all the way to approval.
          const checked = isIn(REVIEWABLE_STATES, demo.state);
          await tx.aliasVerification.create({
            data: {
              applicationId: application.id,
              address: `kmesh-security@${demo.domain}`,
              tokenHash: `seed-alias-${application.id}`,
              expiresAt: new Date(Date.now() + 7 * 86_400_000),
              verifiedAt: checked ? new Date() : null,
            },
          });
          await tx.vouch.create({
            data: {
              applicationId: application.id,
              memberId: memberIds[0] as string,
              voucherEmail: MEMBERS[0]?.contactEmail as string,
              tokenHash: `seed-vouch-${application.id}`,
              status: checked ? "CONFIRMED" : "PENDING",
              expiresAt: new Date(Date.now() + 14 * 86_400_000),
              respondedAt: checked ? new Date() : null,
            },
          });
        }
        if (demo.state === "IN_REVIEW") {
          await tx.vote.create({
            data: {
              applicationId: application.id,
              reviewerId: users.get(DEMO.reviewers[0]) as string,
              round: 1,
              choice: "APPROVE",
            },
          });
        }
        await recordAuditEvent(tx, {
          actor: seeder,
          action: "application.seeded",
          subjectType: "Application",
          subjectId: application.id,
          data: { state: demo.state, distributionName: demo.distributionName },
        });
      }

      await seedMemberLifecycle(tx, config, { members, ownerId: users.get(DEMO.owner) as string, baseUrl });
      await tx.setting.create({ data: { key: SEED_MARKER, value: { seededAt: new Date().toISOString() } } });
      return true;
    },
    { timeout: 60_000 },
  );
}

function demoAnswers(
  config: PortalConfig,
  demo: DemoApplication,
): Prisma.CriterionAnswerCreateWithoutApplicationInput[] {
  const complete = demo.state !== "DRAFT";
  return config.criteria.map((criterion) => {
    switch (criterion.kind) {
      case "evidence":
        return {
          criterionKey: criterion.key,
          answer: complete
            ? `${demo.distributionName} (${criterion.title.toLowerCase()}): see our public advisories and release notes.`
            : "",
          evidenceUrls: complete ? [`https://${demo.domain}/security`] : [],
        };
      case "acceptance":
        return complete
          ? {
              criterionKey: criterion.key,
              accepted: true,
              acceptedPolicyVersion: config.version,
              acceptedAt: new Date(),
            }
          : { criterionKey: criterion.key };
      default:
        return { criterionKey: criterion.key };
    }
  });
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
