import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Section } from "@/components/ui/section";
import { Cell, Row, Table } from "@/components/ui/table";
import { UtcTime } from "@/components/ui/utc-time";
import type { PendingMemberRequest } from "@/features/member-requests/data";

const DAY_MS = 86_400_000;

/** Whole days since `date`, as the queue writes an application's age. */
export function ageInDays(date: Date, now = Date.now()): string {
  return `${Math.max(0, Math.floor((now - date.getTime()) / DAY_MS))} d`;
}

function what(request: PendingMemberRequest): string {
  if (request.kind === "handover") return `Contact handover to ${request.newContactEmail}`;
  const parts = [
    request.add ? `add ${request.add} address${request.add === 1 ? "" : "es"}` : "",
    request.remove ? `remove ${request.remove} address${request.remove === 1 ? "" : "es"}` : "",
  ].filter(Boolean);
  return `Address change: ${parts.join(", ")}`;
}

/**
 * The members' open address changes and contact handovers, oldest first, in
 * the review queue: each links to the place on the member's page where a
 * reviewer decides it.
 */
export function PendingMemberRequests({ rows, total }: { rows: PendingMemberRequest[]; total: number }) {
  return (
    <Section id="member-requests" title="Members' requests">
      <p className="text-sm text-slate-600">
        {total === 0
          ? "No address change or contact handover is open."
          : `${total} open request${total === 1 ? "" : "s"} (address changes and contact handovers), oldest first${total > rows.length ? `; the oldest ${rows.length} are shown` : ""}. One reviewer decides each, on the member's page.`}
      </p>
      {rows.length ? (
        <Table
          label="Open requests from members"
          minWidthClass="min-w-[44rem]"
          stackOnPhone
          columns={["Member", "Request", "Age", "Status"]}
        >
          {rows.map((request) => (
            <Row key={request.id} data-member-request={request.kind}>
              <Cell label="Member">
                <Link
                  href={`/members/${request.member.id}#request-${request.id}`}
                  className="font-semibold break-words text-brand-700 underline"
                >
                  {request.member.distributionName}
                </Link>
              </Cell>
              <Cell label="Request" className="break-words">
                <div>{what(request)}</div>
                <div className="text-slate-600">
                  asked <UtcTime value={request.createdAt} />
                </div>
              </Cell>
              <Cell label="Age" className="whitespace-nowrap tabular-nums">
                {ageInDays(request.createdAt)}
              </Cell>
              <Cell label="Status">
                {request.ready ? (
                  <Badge tone="waiting">ready to decide</Badge>
                ) : (
                  <Badge tone="none">
                    {request.kind === "handover" ? "new contact not confirmed" : "links not followed"}
                  </Badge>
                )}
                {request.conflict ? <div className="mt-1 text-slate-600">{request.conflict}</div> : null}
              </Cell>
            </Row>
          ))}
        </Table>
      ) : null}
    </Section>
  );
}
