import "server-only";
import type { MemberContext } from "@/features/members/mutations";
import { getPortalConfig } from "@/features/portal-config/load";
import { getEnv } from "@/lib/env";

/** What member mutations need from the environment and the portal configuration. */
export function memberContext(): MemberContext {
  const config = getPortalConfig();
  return { baseUrl: getEnv().nextAuthUrl, project: config.project, listName: config.listName };
}
