import type { TeamViewer } from "@/features/auth/data";
import { conflictForMemberRequest } from "@/features/member-requests/judgement";
import { type LockedMember, lockMember } from "@/features/members/lock";
import type { Prisma } from "@/generated/prisma/client";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";
import { lockRow } from "@/lib/row-lock";

type Tx = Prisma.TransactionClient;

/** What deciding one kind of member request needs to know of it. */
export type MemberRequestKind<Request> = {
  table: "AddressChangeRequest" | "ContactHandover";
  /** The request's member, read before any lock (the member's row is locked first). */
  memberOf: (tx: Tx, id: string) => Promise<{ memberId: string } | null>;
  /** The request, read under the member's lock and its own. */
  load: (tx: Tx, id: string) => Promise<Request>;
  alreadyDecided: string;
  /** Whom the request involves besides the member, for the reviewer's recusal: who asked, whom it names. */
  involved: (request: Request) => string[];
};

/**
 * One reviewer's decision on a member's request, the pipeline every kind
 * shares: the member's row locked, then the request's (so a removal at the
 * same moment happens wholly before or after it), refused when already
 * decided or when the reviewer is recused, then `decide` in the same
 * transaction.
 */
export async function decideMemberRequest<Request extends { status: string; requestedById: string }>(
  db: Database,
  reviewer: TeamViewer,
  requestId: string,
  kind: MemberRequestKind<Request>,
  decide: (tx: Tx, member: LockedMember, request: Request, now: Date) => Promise<ActionResult>,
): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    const found = await kind.memberOf(tx, requestId);
    if (!found) return NOT_FOUND;
    const member = await lockMember(tx, found.memberId);
    const locked = await lockRow(tx, kind.table, requestId);
    if (!member || !locked) return NOT_FOUND;
    const request = await kind.load(tx, requestId);
    if (request.status !== "PENDING") return failure(kind.alreadyDecided);
    const conflict = conflictForMemberRequest(reviewer, member, request.requestedById, kind.involved(request));
    if (conflict) return failure(conflict);
    return decide(tx, member, request, new Date());
  });
}

/** A kind of member request, its `Request` type inferred from what `load` returns. */
export function memberRequestKind<Request>(kind: MemberRequestKind<Request>): MemberRequestKind<Request> {
  return kind;
}
