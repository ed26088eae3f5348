import "server-only";
import { getDb } from "@/lib/db";

export async function listMembers() {
  return getDb().member.findMany({
    orderBy: [{ status: "asc" }, { distributionName: "asc" }],
    select: {
      id: true,
      distributionName: true,
      organisation: true,
      contactEmail: true,
      status: true,
      approvedAt: true,
      applicationId: true,
      addresses: { orderBy: { address: "asc" }, select: { address: true } },
    },
  });
}
