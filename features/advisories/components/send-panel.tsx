import { Notice } from "@/components/ui/notice";
import { Section } from "@/components/ui/section";
import { UtcTime } from "@/components/ui/utc-time";
import { AddRecipientForm, ApproveForm, SendForm } from "@/features/advisories/components/send-forms";
import { countListedRecipients, membersNotRecipients } from "@/features/advisories/recipient-data";
import { snapshotHash, snapshotOf } from "@/features/advisories/snapshot";
import type { TeamViewer } from "@/features/auth/data";
import type { PortalContext } from "@/features/portal-config/context";
import { isOwner } from "@/features/vocabulary/roles";
import { getDb } from "@/lib/db";

export { ResendButton } from "@/features/advisories/components/send-forms";

const DAY_MS = 24 * 60 * 60 * 1000;

type Props = {
  advisory: Parameters<typeof snapshotOf>[0] & {
    id: string;
    state: "DRAFT" | "EMBARGOED" | "PUBLIC";
    createdById: string;
    approvedById: string | null;
    approvedHash: string | null;
    approvedAt: Date | null;
    sentAt: Date | null;
    patches: { fileName: string; sha256: string; removedAt?: Date | null }[];
  };
  viewer: TeamViewer;
  context: PortalContext;
};

/**
 * The team's sending controls on the advisory's page: before sending, the
 * approval (when the configuration asks for one) and the send form with the
 * count it would reach now; after, adding a member approved later.
 */
export async function SendPanel({ advisory, viewer, context }: Props) {
  const db = getDb();
  if (advisory.state !== "DRAFT") {
    if (advisory.state !== "EMBARGOED" || !isOwner(viewer)) return null;
    const members = await membersNotRecipients(db, advisory.id);
    return (
      <Section id="send-panel" title="Recipients">
        <p className="text-sm text-slate-700">
          Sent {advisory.sentAt ? <UtcTime value={advisory.sentAt} /> : null}. A member approved since gets nothing
          until an owner adds it.
        </p>
        <AddRecipientForm advisoryId={advisory.id} members={members} />
      </Section>
    );
  }
  const patches = advisory.patches.filter((patch) => !patch.removedAt);
  const hash = snapshotHash(snapshotOf(advisory, patches));
  const approved = advisory.approvedById !== null && advisory.approvedHash === hash;
  const reach = await countListedRecipients(db);
  const now = Date.now();
  const past = advisory.disclosureAt.getTime() <= now;
  const shortNotice = advisory.disclosureAt.getTime() - now < context.advisories.minNoticeDays * DAY_MS;
  const needsApproval = context.advisories.requireSecondApproval && !approved;
  return (
    <Section id="send-panel" title="Send">
      {context.advisories.requireSecondApproval ? (
        approved ? (
          <Notice tone="success" announce={false}>
            Approved for sending {advisory.approvedAt ? <UtcTime value={advisory.approvedAt} /> : null}, as it is now.
          </Notice>
        ) : (
          <div className="space-y-2">
            <p className="text-sm text-slate-700">
              {advisory.approvedById
                ? "The draft changed since it was approved: it needs approving again."
                : "Another team member than the author approves the draft before it is sent."}
            </p>
            {viewer.id !== advisory.createdById ? <ApproveForm advisoryId={advisory.id} /> : null}
          </div>
        )
      ) : null}
      {past ? (
        <Notice tone="error" announce={false}>
          The planned disclosure date is in the past: change it before sending.
        </Notice>
      ) : !isOwner(viewer) ? (
        <p className="text-sm text-slate-700">An owner sends the advisory.</p>
      ) : needsApproval ? null : (
        <SendForm
          advisoryId={advisory.id}
          shortNotice={shortNotice}
          minNoticeDays={context.advisories.minNoticeDays}
          reach={`${reach.addresses} address(es) of ${reach.members} member(s)`}
        />
      )}
    </Section>
  );
}
