// What the front door (lib/forwarding-proxy.ts) puts in place of Next's 500,
// which Next answers alike for the client's fault, the database's and its own.
import type http from "node:http";
import type { ActionDecoder, BodyCopy } from "@/lib/server-action-decoding";

export type FailureWitnesses = {
  /** Decodes a server action's body again (lib/server-action-decoding.ts). */
  actions: ActionDecoder | null;
  /** Asked with the request's id: true when Next reported that it failed for want of the database. */
  databaseFailed?: (requestId: string) => Promise<boolean>;
  /** False while the database is down. */
  isDatabaseAvailable?: () => Promise<boolean>;
};

/**
 * A 400 when the body was a server action's that React cannot decode (the
 * client's fault: the action never ran, whatever the database did), a 503
 * when the database was wanting, or null: the 500 stands.
 */
export async function replacementFor500(
  req: http.IncomingMessage,
  requestId: string,
  copy: BodyCopy | null,
  { actions, databaseFailed, isDatabaseAvailable }: FailureWitnesses,
): Promise<"undecodable" | "database" | null> {
  const body = copy?.body();
  const undecodable =
    actions && body
      ? actions.whyUndecodable({
          body,
          contentType: req.headers["content-type"] ?? "",
          fetchAction: req.headers["next-action"] !== undefined,
          pathname: (req.url ?? "/").split("?")[0] as string,
        })
      : null;
  const [reason, failed, available] = await Promise.all([
    undecodable,
    databaseFailed?.(requestId) ?? false,
    isDatabaseAvailable?.() ?? true,
  ]);
  if (reason !== null) return "undecodable";
  return failed || !available ? "database" : null;
}
