import "server-only";
import { getPortalConfig } from "@/features/portal-config/load";
import { getEnv } from "@/lib/env";

/** What workflow mutations need from the environment and the portal configuration. */
export type WorkflowContext = { baseUrl: string; project: string; quorum: number };

export function workflowContext(): WorkflowContext {
  const config = getPortalConfig();
  return { baseUrl: getEnv().nextAuthUrl, project: config.project, quorum: config.quorum };
}
