import type { Metadata } from "next";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { startApplicationAction } from "@/features/applications/actions";
import { listMyApplications } from "@/features/applications/data";
import { noticeFor } from "@/features/applications/page-notices";
import { SignInForm } from "@/features/auth/components/sign-in-form";
import { getViewer } from "@/features/auth/data";
import { isMemberContact } from "@/features/members/data";
import { getPortalConfig } from "@/features/portal-config/load";
import { StateBadge } from "@/features/workflow/components/state-badge";

export const metadata: Metadata = { title: "Apply" };

export default async function ApplyPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  const config = getPortalConfig();
  const user = await getViewer();
  if (!user) {
    return (
      <div className="space-y-6">
        <h1 className="text-3xl font-bold tracking-tight">Apply to the {config.listName}</h1>
        <p className="max-w-prose text-slate-700">
          Sign in with your work address to start an application. You can save a draft and come back to it; nothing is
          sent to the security team until you submit.
        </p>
        <SignInForm callbackUrl="/apply" initial={null} />
      </div>
    );
  }
  const [applications, contact] = await Promise.all([listMyApplications(user.id), isMemberContact(user.email)]);
  const notice = noticeFor((await searchParams).notice);
  return (
    <div className="space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">My applications</h1>
      {notice ? <Notice tone={notice.tone}>{notice.message}</Notice> : null}
      {contact ? (
        <Notice>
          You are the contact of a member of the list. To change its addresses, hand over the contact role or see its
          requests, open{" "}
          <Link href="/membership" className="font-semibold underline">
            My membership
          </Link>
          .
        </Notice>
      ) : null}
      {applications.length === 0 ? (
        <p className="text-slate-700">You have no applications yet.</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-md border border-slate-200">
          {applications.map((application) => (
            <li key={application.id} className="flex flex-wrap items-center justify-between gap-3 p-4">
              <div>
                <Link href={`/applications/${application.id}`} className="font-semibold text-brand-700 underline">
                  {application.distributionName || "Untitled draft"}
                </Link>
                <p className="text-sm text-slate-600">{application.organisation || "Organisation not given yet"}</p>
              </div>
              <StateBadge state={application.state} />
            </li>
          ))}
        </ul>
      )}
      <form action={startApplicationAction}>
        <Button>Start a new application</Button>
      </form>
    </div>
  );
}
