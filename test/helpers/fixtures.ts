import path from "node:path";
import type { Viewer } from "@/features/auth/data";
import { contextOf } from "@/features/portal-config/context";
import { loadPortalConfig } from "@/features/portal-config/load";
import type { Database } from "@/lib/prisma";

export const config = loadPortalConfig(path.resolve(import.meta.dirname, "../../portal.config.json"));
export const context = contextOf(config, "http://portal.test");

/** A signed-up person who is not on the security team. */
export async function createUser(db: Database, email: string): Promise<Viewer> {
  const user = await db.user.create({ data: { email }, select: { id: true, email: true } });
  return { ...user, role: null };
}

export async function createMember(
  db: Database,
  member: { distributionName: string; organisation: string; domain: string; contactEmail: string },
) {
  return db.member.create({
    data: {
      distributionName: member.distributionName,
      organisation: member.organisation,
      website: `https://${member.domain}`,
      orgDomains: [member.domain],
      contactEmail: member.contactEmail,
      activeOrganisationKey: member.organisation.toLowerCase(),
      addresses: { create: [{ address: `security@${member.domain}` }] },
    },
  });
}

/** A complete, realistic application as the form sends it. */
export function completeForm(overrides: Record<string, string> = {}): Record<string, string> {
  const values: Record<string, string> = {
    distributionName: "Umbrella Mesh",
    organisation: "Umbrella Corporation",
    website: "https://umbrella.example",
    orgDomains: "umbrella.example",
    listAddresses: "kmesh-security@umbrella.example",
    securityAlias: "kmesh-security@umbrella.example",
    voucherEmail: "security@acme.example",
  };
  for (const criterion of config.criteria) {
    if (criterion.kind === "evidence") {
      values[`answer:${criterion.key}`] =
        `For ${criterion.title.toLowerCase()}: Umbrella Mesh ships Kmesh to more than 300 external customers; see our advisories page and the linked pull requests.`;
      values[`evidence:${criterion.key}`] =
        "https://umbrella.example/security\nhttps://github.com/kmesh-net/kmesh/pulls?q=author%3Aumbrella";
    }
    if (criterion.kind === "acceptance") values[`accept:${criterion.key}`] = "on";
  }
  return { ...values, ...overrides };
}
