import type { Metadata } from "next";
import { LinkPage } from "@/components/ui/link-page";
import { Markdown } from "@/components/ui/markdown";
import { Notice } from "@/components/ui/notice";
import { UtcTime } from "@/components/ui/utc-time";
import { getViewer } from "@/features/auth/data";
import { getPortalConfig } from "@/features/portal-config/load";
import { VouchForm } from "@/features/vouches/components/vouch-form";
import { getVouchByToken } from "@/features/vouches/data";

export const metadata: Metadata = { title: "Vouch for an applicant", referrer: "same-origin" };

export default async function VouchPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const vouch = await getVouchByToken(token, await getViewer());
  const config = getPortalConfig();
  if (!vouch || vouch.closed) {
    return (
      <LinkPage
        title="Vouch for an applicant"
        notice={
          !vouch ? (
            <Notice tone="error">This link is not valid.</Notice>
          ) : vouch.closed === "MOVED" ? (
            <Notice tone="info">
              This request passed to the member's new contact
              {vouch.newContact ? <> ({vouch.newContact})</> : null} after a contact handover
              {vouch.closedAt ? (
                <>
                  {" "}
                  on <UtcTime value={vouch.closedAt} precision="day" />
                </>
              ) : null}
              . This link no longer works; they were mailed their own.
            </Notice>
          ) : (
            <Notice tone="info">
              This request ended: the member is no longer on the list. Nothing more is asked of you.
            </Notice>
          )
        }
      />
    );
  }
  const { application } = vouch;
  return (
    <LinkPage wide title={<>Vouch for {application.distributionName}</>}>
      <p className="max-w-prose">
        <strong>{application.applicant.email}</strong> applies for <strong>{application.distributionName}</strong> (
        {application.organisation}, <span className="break-all">{application.website}</span>) to join the{" "}
        {config.listName}; you ({vouch.voucherEmail}) are asked, as the contact of a current member, whether you vouch
        for them.
      </p>
      {vouch.status !== "PENDING" ? (
        <Notice tone="success">
          You {vouch.status === "CONFIRMED" ? "vouched for" : "declined to vouch for"} this application
          {vouch.respondedAt ? (
            <>
              {" "}
              on <UtcTime value={vouch.respondedAt} precision="day" />
            </>
          ) : null}
          . Thank you.
        </Notice>
      ) : vouch.expired ? (
        <Notice tone="error">This request has expired; the applicant can ask again.</Notice>
      ) : (
        <VouchForm token={token} distributionName={application.distributionName} />
      )}
      <section aria-labelledby="answers" className="space-y-4">
        <h2 id="answers" className="text-xl font-semibold">
          Their answers
        </h2>
        <dl className="space-y-4">
          {config.criteria
            .filter((criterion) => criterion.kind === "evidence")
            .map((criterion) => {
              const answer = application.answers.find((item) => item.criterionKey === criterion.key);
              return (
                <div key={criterion.key} className="rounded-md border border-slate-200 p-4">
                  <dt className="font-semibold">{criterion.title}</dt>
                  <dd className="mt-2 space-y-2">
                    <Markdown>{answer?.answer || "_No answer._"}</Markdown>
                    <ul className="list-disc pl-6 text-sm">
                      {(answer?.evidenceUrls ?? []).map((url) => (
                        <li key={url} className="break-all">
                          {url}
                        </li>
                      ))}
                    </ul>
                  </dd>
                </div>
              );
            })}
        </dl>
      </section>
    </LinkPage>
  );
}
