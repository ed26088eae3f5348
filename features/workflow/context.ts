import "server-only";
import { type PortalContext, portalContext } from "@/features/portal-config/context";

// The workflow's name for the one mutation context (features/portal-config/context.ts),
// kept while the actions and the mailed-link flows, rewritten by others as this lands,
// still import it; new code takes PortalContext and portalContext().

/** @deprecated Use PortalContext. */
export type WorkflowContext = PortalContext;

/** @deprecated Use portalContext(). */
export const workflowContext = portalContext;
