import { Fact, Facts } from "@/components/ui/facts";
import { Markdown } from "@/components/ui/markdown";
import { UtcTime } from "@/components/ui/utc-time";
import type { MyApplication } from "@/features/applications/data";
import type { Criterion } from "@/features/portal-config/schema";
import { shortVersion } from "@/features/portal-config/version";

/** What the applicant sent, as the security team reads it: the facts, each answer, its evidence and acceptances. */
export function SubmittedAnswers({
  application,
  criteria,
  policyVersion,
}: {
  application: MyApplication;
  criteria: Criterion[];
  policyVersion: string;
}) {
  const { facts } = application;
  return (
    <div className="space-y-4">
      <Facts>
        <Fact term="Organisation">{application.organisation || "—"}</Fact>
        <Fact term="Website" className="break-all">
          {facts.website || "—"}
        </Fact>
        <Fact term="Domains" className="break-all">
          {facts.orgDomains.join(", ") || "—"}
        </Fact>
        <Fact term="Addresses to subscribe" className="break-all">
          {facts.listAddresses.join(", ") || "—"}
        </Fact>
        <Fact term="Security alias" className="break-all">
          {facts.securityAlias || "—"}
        </Fact>
        <Fact term="Voucher" className="break-all">
          {facts.voucherEmail || "—"}
        </Fact>
      </Facts>
      <ol className="space-y-4">
        {criteria.map((criterion, index) => {
          const answer = application.answers.find((item) => item.criterionKey === criterion.key);
          return (
            <li key={criterion.key} className="rounded-md border border-slate-200 p-4" data-criterion={criterion.key}>
              <h3 className="font-semibold">
                {index + 1}. {criterion.title}
              </h3>
              {criterion.kind === "evidence" ? (
                <>
                  <Markdown>{answer?.answer || "_No answer yet._"}</Markdown>
                  {answer?.evidenceUrls.length ? (
                    <ul className="list-disc pl-6 text-sm">
                      {answer.evidenceUrls.map((url) => (
                        <li key={url} className="break-all">
                          {url}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </>
              ) : null}
              {criterion.kind === "acceptance" ? (
                <p>
                  {answer?.accepted ? (
                    <>
                      Accepted
                      {answer.acceptedAt ? (
                        <>
                          {" on "}
                          <UtcTime value={answer.acceptedAt} precision="day" />
                        </>
                      ) : null}
                      {`, policy version ${answer.acceptedPolicyVersion ? shortVersion(answer.acceptedPolicyVersion) : "unknown"}${answer.acceptedPolicyVersion === policyVersion ? " (the current one)" : " (the policy has changed since)"}.`}
                    </>
                  ) : (
                    "Not accepted yet."
                  )}
                </p>
              ) : null}
              {criterion.kind === "acceptance" && answer?.answer ? (
                <p className="whitespace-pre-wrap">Your note: {answer.answer}</p>
              ) : null}
              {criterion.kind === "alias" ? <p className="break-all">Alias: {facts.securityAlias || "—"}</p> : null}
              {criterion.kind === "vouch" ? <p className="break-all">Voucher: {facts.voucherEmail || "—"}</p> : null}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
