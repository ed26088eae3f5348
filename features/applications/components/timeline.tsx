const LABELS: Record<string, string> = {
  "application.created": "Draft started",
  "application.submitted": "Submitted",
  "application.resubmitted": "Resubmitted after changes",
  "alias.verification-sent": "Confirmation link mailed to the security alias",
  "alias.verified": "Security alias verified",
  "vouch.requested": "Voucher asked to confirm",
  "vouch.confirmed": "Voucher confirmed",
  "vouch.declined": "Voucher declined",
  "application.in-review": "In review by the security team",
  "application.changes-requested": "Changes requested",
  "application.approved": "Approved",
  "application.rejected": "Rejected",
  "application.withdrawn": "Withdrawn",
  "review.voted": "Vote cast",
  "review.assessed": "Criteria assessed",
  "review.commented": "Comment added",
  "application.seeded": "Imported with the demo data",
};

export function Timeline({ events }: { events: { id: string; action: string; at: Date }[] }) {
  return (
    <ol className="space-y-2 border-l-2 border-slate-200 pl-4">
      {events.map((event) => (
        <li key={event.id}>
          <span className="font-medium">{LABELS[event.action] ?? event.action}</span>{" "}
          <time dateTime={event.at.toISOString()} className="text-sm text-slate-600">
            {event.at.toISOString().replace("T", " ").slice(0, 16)} UTC
          </time>
        </li>
      ))}
    </ol>
  );
}
