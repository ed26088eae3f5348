import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { Section } from "@/components/ui/section";
import { UtcTime } from "@/components/ui/utc-time";
import { sendAddressConfirmationsAction } from "@/features/alias-verification/actions";
import { withdrawApplicationAction } from "@/features/applications/actions";
import { AddressStatuses } from "@/features/applications/components/alias-status";
import { ApplicantMessages } from "@/features/applications/components/applicant-messages";
import { SubmittedAnswers } from "@/features/applications/components/submitted-answers";
import { getMyApplication } from "@/features/applications/data";
import { noticeFor } from "@/features/applications/page-notices";
import { Timeline } from "@/features/audit/components/timeline";
import { requireUserPage } from "@/features/auth/guards";
import { getPortalConfig } from "@/features/portal-config/load";
import {
  EDITABLE_STATES,
  isIn,
  REVIEWABLE_STATES,
  WITHDRAWABLE_STATES,
} from "@/features/vocabulary/application-states";
import { AnotherVoucherForm } from "@/features/vouches/components/another-voucher-form";
import { getApplicantVouch } from "@/features/vouches/data";
import { StateBadge } from "@/features/workflow/components/state-badge";

export const metadata: Metadata = { title: "Application" };

const VOUCH_TEXT = { PENDING: "waiting for their answer", CONFIRMED: "confirmed", DECLINED: "declined" } as const;
const MOVED_TEXT = {
  PENDING: "waiting for their answer",
  CONFIRMED: "they vouched for you",
  DECLINED: "they declined",
} as const;

export default async function ApplicationPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ notice?: string }>;
}) {
  const { id } = await params;
  const user = await requireUserPage(`/applications/${encodeURIComponent(id)}`);
  const config = getPortalConfig();
  const application = await getMyApplication(user.id, id, config);
  if (!application) notFound();
  const notice = noticeFor((await searchParams).notice);
  const open = isIn(WITHDRAWABLE_STATES, application.state);
  const vouch = await getApplicantVouch(user.id, id, application.facts.voucherEmail);
  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-center gap-4">
        <h1 className="text-3xl font-bold tracking-tight">{application.distributionName || "Untitled draft"}</h1>
        <StateBadge state={application.state} />
      </div>
      {notice ? <Notice tone={notice.tone}>{notice.message}</Notice> : null}
      {application.state === "APPROVED" ? (
        <Notice tone="success">
          <p>
            <strong>
              {application.distributionName} is on the {config.listName}.
            </strong>{" "}
            Its subscriber addresses now receive the list's messages under the embargo policy you accepted.
          </p>
          <p>
            Your membership (addresses, contact, the yearly re-attestation) is on{" "}
            <Link href="/membership" className="font-semibold underline">
              My membership
            </Link>
            ; change addresses there rather than applying again.
          </p>
        </Notice>
      ) : null}
      {application.state === "REJECTED" && application.decisionReason ? (
        <Notice tone="error">
          <p className="font-semibold">Reason given by the security team</p>
          <p className="whitespace-pre-wrap">{application.decisionReason}</p>
        </Notice>
      ) : null}
      {isIn(EDITABLE_STATES, application.state) ? (
        <p>
          <Link href={`/applications/${id}/edit`} className="font-semibold text-brand-700 underline">
            {application.state === "DRAFT" ? "Continue the application" : "Make the requested changes"}
          </Link>
        </p>
      ) : null}

      <Section id="checks" title="Checks">
        <p className="text-slate-700">
          Someone reading each address (the alias and every address to subscribe) confirms it by the link mailed to it;
          the team cannot approve the application until every one is confirmed.
        </p>
        <AddressStatuses
          addresses={application.addresses}
          action={
            open
              ? (item) => (
                  <form action={sendAddressConfirmationsAction} className="mt-1">
                    <input type="hidden" name="applicationId" value={id} />
                    <input type="hidden" name="address" value={item.address} />
                    <Button variant="secondary">
                      {item.state === "none" ? "Send" : "Send a new"} confirmation link
                      <span className="sr-only"> to {item.address}</span>
                    </Button>
                  </form>
                )
              : undefined
          }
        />
        <div className="space-y-3" data-vouch={vouch.kind}>
          {vouch.kind === "none" ? <p>Your voucher is asked when you submit.</p> : null}
          {vouch.kind === "asked" ? (
            <p>
              Vouch from {vouch.voucherEmail}:{" "}
              {vouch.expired ? "the request expired without an answer" : VOUCH_TEXT[vouch.status]}.
            </p>
          ) : null}
          {vouch.kind === "moved" ? (
            <p>
              Vouch: you named {vouch.named}, but their member has a new contact, so on{" "}
              <UtcTime value={vouch.at} precision="day" /> the portal asked that new contact instead:{" "}
              {vouch.expired ? "the request expired without an answer" : MOVED_TEXT[vouch.status]}.
            </p>
          ) : null}
          {vouch.kind === "ended" ? (
            <Notice tone="error" announce={false}>
              The request to {vouch.voucherEmail} ended
              {vouch.at ? (
                <>
                  {" "}
                  on <UtcTime value={vouch.at} precision="day" />
                </>
              ) : null}
              : their member is no longer on the list, so they cannot vouch for you. Name another voucher
              {isIn(REVIEWABLE_STATES, application.state) ? " below" : " with the changes you make"}; the rest of your
              application stays as it is.
            </Notice>
          ) : null}
          {isIn(REVIEWABLE_STATES, application.state) &&
          (vouch.kind === "ended" || ((vouch.kind === "asked" || vouch.kind === "moved") && vouch.expired)) ? (
            <AnotherVoucherForm applicationId={id} />
          ) : null}
        </div>
      </Section>

      <ApplicantMessages comments={application.comments} />

      <Section id="answers" title={application.submittedAt ? "What you sent" : "Your draft so far"}>
        <SubmittedAnswers application={application} criteria={config.criteria} policyVersion={config.version} />
      </Section>

      <Section id="history" title="History">
        <Timeline events={application.timeline} />
      </Section>

      {open ? (
        <Section id="withdraw" title="Withdraw">
          <p className="text-slate-700">Withdrawing ends this application; you can apply again later.</p>
          <form action={withdrawApplicationAction}>
            <input type="hidden" name="applicationId" value={id} />
            <Button variant="danger">Withdraw this application</Button>
          </form>
        </Section>
      ) : null}
    </div>
  );
}
