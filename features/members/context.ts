import "server-only";
import { type PortalContext, portalContext } from "@/features/portal-config/context";

// The member actions' name for the one mutation context (features/portal-config/context.ts),
// kept while they (rewritten by others as this lands) still import it. The MemberContext
// that members/mutations.ts declares is a part of PortalContext.

/** @deprecated Use portalContext(). */
export function memberContext(): PortalContext {
  return portalContext();
}
