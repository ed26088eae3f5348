import "server-only";
import type { Database } from "@/lib/prisma";

/**
 * The GitHub login each of these addresses last signed in with (a GitHub
 * sign-in records it: features/auth/provider-link.ts), for the lines that
 * show reviewers a voucher or a member's contact. Addresses without one are
 * left out.
 */
export async function githubLoginsOf(db: Database, emails: string[]): Promise<Map<string, string>> {
  if (emails.length === 0) return new Map();
  const people = await db.user.findMany({
    where: { email: { in: [...new Set(emails)] }, githubLogin: { not: null } },
    select: { email: true, githubLogin: true },
  });
  return new Map(people.flatMap((person) => (person.githubLogin ? [[person.email, person.githubLogin] as const] : [])));
}
