import { Badge } from "@/components/ui/badge";
import { UtcTime } from "@/components/ui/utc-time";
import { GitHubLogin } from "@/features/auth/components/github-login";
import type { ReviewDetail } from "@/features/reviews/data";
import { isListAddress } from "@/lib/email";

const day = (date: Date) => <UtcTime value={date} precision="day" />;

const ADDRESS_BADGES = {
  confirmed: { tone: "good", label: "confirmed" },
  pending: { tone: "waiting", label: "link sent" },
  expired: { tone: "bad", label: "link expired" },
  none: { tone: "bad", label: "no link yet" },
} as const;
const VOUCH_TONES = { PENDING: "waiting", CONFIRMED: "good", DECLINED: "bad", MOVED: "none", ENDED: "bad" } as const;

/**
 * Each address the application would put on the list (the alias among them)
 * with where its confirmation stands and a flag when it is outside the
 * organisation's domains; then the vouches, each with its badge, address and day.
 */
export function Checks({ detail }: { detail: ReviewDetail }) {
  return (
    <ul className="space-y-1.5 text-sm">
      {detail.addresses.map((item) => (
        <li key={item.address} className="break-words" data-address={item.address}>
          <span className="font-medium">{item.alias ? (item.list ? "Alias, list" : "Alias") : "List"}</span>{" "}
          <Badge tone={ADDRESS_BADGES[item.state].tone}>{ADDRESS_BADGES[item.state].label}</Badge> {item.address}
          {item.at ? <> · {day(item.at)}</> : null}
          {item.list && !isListAddress(item.address) ? (
            <strong className="block text-red-800">
              A list system refuses this address (Mailman 3 does): it cannot be approved onto the list.
            </strong>
          ) : null}
          {item.outsideDomains ? (
            <strong className="block text-red-800">
              Outside the organisation's domains ({detail.orgDomains.join(", ")}): whose address is this?
            </strong>
          ) : null}
        </li>
      ))}
      {detail.vouches.map((item, index) => (
        <li key={item.id} className="break-words" data-vouch={item.status}>
          <span className="font-medium">Vouch</span>{" "}
          <Badge tone={VOUCH_TONES[item.status]}>{item.status.toLowerCase()}</Badge> asked {item.voucherEmail}
          <GitHubLogin login={item.voucherGithubLogin} /> on {day(item.createdAt)}
          {item.respondedAt ? <>, answered {day(item.respondedAt)}</> : null}
          {item.status === "MOVED" ? (
            <>
              , moved to {detail.vouches[index - 1]?.voucherEmail ?? "the member's new contact"}
              {item.closedAt ? <> on {day(item.closedAt)}</> : null} because of the member's contact handover
            </>
          ) : null}
          {item.status === "ENDED" ? (
            <>, ended{item.closedAt ? <> on {day(item.closedAt)}</> : null} because the member was removed</>
          ) : null}
          {item.comment ? `: “${item.comment}”` : ""}
        </li>
      ))}
      {detail.addresses.length + detail.vouches.length === 0 ? <li>No address or vouch yet.</li> : null}
    </ul>
  );
}

/** What still stands between the votes and approval: each address not confirmed, a vouch not confirmed. */
export function ApprovalWaits({ detail }: { detail: ReviewDetail }) {
  const unconfirmed = detail.addresses.filter((item) => item.state !== "confirmed").map((item) => item.address);
  const unlistable = detail.addresses.filter((item) => item.list && !isListAddress(item.address));
  const vouched = detail.vouches[0]?.status === "CONFIRMED";
  if (unconfirmed.length === 0 && unlistable.length === 0 && vouched) return null;
  return (
    <div className="text-sm text-amber-900" data-approval-waits>
      <p className="font-semibold">Approval waits, however the votes go, for:</p>
      <ul className="list-disc pl-5">
        {unconfirmed.map((address) => (
          <li key={address} className="break-words">
            {address} to be confirmed by its link
          </li>
        ))}
        {unlistable.map((item) => (
          <li key={`unlistable:${item.address}`} className="break-words">
            {item.address} to be replaced: a list system refuses it (request changes)
          </li>
        ))}
        {vouched ? null : <li>the vouch to be confirmed</li>}
      </ul>
    </div>
  );
}

/**
 * Team members at (or above or below) a domain the application names that
 * the portal has not verified: not recused, since a claim proves nothing,
 * but everyone on the team should know before they judge.
 */
export function DomainWarnings({ warnings }: { warnings: ReviewDetail["domainWarnings"] }) {
  if (warnings.length === 0) return null;
  return (
    <div className="space-y-1 text-sm text-amber-900" role="note" aria-label="Unverified domains of team members">
      <p className="font-semibold">Named domains of team members, not verified</p>
      <ul className="list-disc pl-5">
        {warnings.map((warning) => (
          <li key={warning.email} className="break-words">
            {warning.email}: the application names {warning.domain}, but no confirmed address proves it is the
            applicant's, so they are not recused. Decide whether they should stand aside.
          </li>
        ))}
      </ul>
    </div>
  );
}
