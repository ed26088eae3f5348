import { getPortalConfig } from "@/features/portal-config/load";
import { type AdvisoryRules, AdvisoryRulesSchema, type PortalConfig } from "@/features/portal-config/schema";
import { getEnv } from "@/lib/env";

/**
 * What a mutation needs to know of the portal besides the database and the
 * actor: where the portal is (for the links in its mail) and the parts of the
 * configuration the rules read. Passed in, never read inside a mutation, so
 * that an action, the CLI, the seed and a test each give the same thing.
 */
export type PortalContext = {
  baseUrl: string;
  project: string;
  listName: string;
  quorum: number;
  staleAfterBusinessDays: number;
  /** The advisories' timeline rules. */
  advisories: AdvisoryRules;
};

/** The context of a configuration served at `baseUrl` (the CLI and tests, which load their own). */
export function contextOf(
  config: Pick<PortalConfig, "project" | "listName" | "quorum" | "staleAfterBusinessDays"> &
    Partial<Pick<PortalConfig, "advisories">>,
  baseUrl: string,
): PortalContext {
  const { project, listName, quorum, staleAfterBusinessDays } = config;
  const advisories = config.advisories ?? AdvisoryRulesSchema.parse({});
  return { baseUrl, project, listName, quorum, staleAfterBusinessDays, advisories };
}

/** The running portal's context: its configuration and NEXTAUTH_URL. */
export function portalContext(): PortalContext {
  return contextOf(getPortalConfig(), getEnv().nextAuthUrl);
}
