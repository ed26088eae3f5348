import "server-only";
import { getDb } from "@/lib/db";

export async function listTeam() {
  return getDb().teamMember.findMany({
    orderBy: [{ role: "desc" }, { email: "asc" }],
    select: { id: true, email: true, role: true },
  });
}
