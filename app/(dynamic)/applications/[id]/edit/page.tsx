import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { Markdown } from "@/components/ui/markdown";
import { UpLink } from "@/components/ui/up-link";
import { AddressStatuses, AliasStatus } from "@/features/applications/components/alias-status";
import { ApplicationForm } from "@/features/applications/components/application-form";
import { RequestedChangesSummary } from "@/features/applications/components/requested-changes";
import { getMyApplication, getRequestedChanges } from "@/features/applications/data";
import { requireUserPage } from "@/features/auth/guards";
import { getPortalConfig } from "@/features/portal-config/load";
import { shortVersion } from "@/features/portal-config/version";
import { EDITABLE_STATES, isIn } from "@/features/vocabulary/application-states";

export const metadata: Metadata = { title: "Edit application" };

export default async function EditApplicationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUserPage(`/applications/${encodeURIComponent(id)}/edit`);
  const config = getPortalConfig();
  const application = await getMyApplication(user.id, id, config);
  if (!application) notFound();
  if (!isIn(EDITABLE_STATES, application.state)) redirect(`/applications/${id}`);
  const requests = await getRequestedChanges(user.id, id, config.criteria);
  const policies = Object.fromEntries(
    config.criteria
      .filter((criterion) => criterion.policy)
      .map((criterion) => [
        criterion.key,
        <Markdown key={criterion.key}>{config.policy[criterion.policy ?? "embargo"]}</Markdown>,
      ]),
  );
  return (
    <div className="space-y-6">
      <UpLink href={`/applications/${id}`}>Application status</UpLink>
      <h1 className="text-3xl font-bold tracking-tight">{application.distributionName || "New application"}</h1>
      <p className="max-w-prose text-slate-700">
        Answer each criterion with evidence the security team can check. Policy version{" "}
        <code>{shortVersion(config.version)}</code>.
      </p>
      {requests ? <RequestedChangesSummary requests={requests} /> : null}
      <ApplicationForm
        applicationId={id}
        initialValues={application.values}
        criteria={config.criteria}
        policies={policies}
        aliasStatus={<AliasStatus addresses={application.addresses} />}
        // The alias's own state is shown beside its field; one link proves it in both roles.
        addressStatus={<AddressStatuses addresses={application.addresses.filter((item) => !item.alias)} />}
        requests={requests?.criteria}
      />
    </div>
  );
}
