import type { Viewer } from "@/features/auth/data";
import type { MemberContext } from "@/features/members/mutations";
import type { Database } from "@/lib/prisma";
import { config } from "@/test/helpers/fixtures";

export const memberContext: MemberContext = {
  baseUrl: "http://portal.test",
  project: config.project,
  listName: config.listName,
};

let count = 0;

/** A member on the list with two subscribed addresses, and its contact signed up. */
export async function memberWithContact(db: Database, name = "Member") {
  count++;
  const domain = `member${count}-${Date.now()}.example`;
  const contactEmail = `security@${domain}`;
  const member = await db.member.create({
    data: {
      distributionName: `${name} ${count}`,
      organisation: `${name} ${count} Corp`,
      website: `https://${domain}`,
      orgDomains: [domain],
      contactEmail,
      activeOrganisationKey: `${name} ${count} corp`.toLowerCase(),
      addresses: {
        create: [
          { address: `kmesh@${domain}`, addedReason: "Approved application" },
          { address: `psirt@${domain}`, addedReason: "Approved application" },
        ],
      },
    },
  });
  const user = await db.user.create({ data: { email: contactEmail }, select: { id: true, email: true } });
  const contact: Viewer = { ...user, role: null };
  return { member, contact, domain };
}

/** The token of the newest mailed link to `path` for `to`, read from the outbox (nothing is sent in these tests). */
export async function mailedToken(db: Database, to: string, path: string): Promise<string> {
  const mail = await db.outboxMail.findFirst({
    where: { to, text: { contains: path } },
    orderBy: { createdAt: "desc" },
    select: { text: true },
  });
  const token = mail?.text.match(new RegExp(`${path}([A-Za-z0-9_-]{43})`))?.[1];
  if (!token) throw new Error(`no ${path} link mailed to ${to}`);
  return token;
}
