import type { Metadata } from "next";
import { Section } from "@/components/ui/section";
import { UpLink } from "@/components/ui/up-link";
import { CreateApiTokenForm } from "@/features/api-tokens/components/create-token-form";
import { ApiTokenTable } from "@/features/api-tokens/components/token-table";
import { listApiTokens } from "@/features/api-tokens/data";
import { requireTeam } from "@/features/auth/guards";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "API tokens" };

export default async function ApiTokensPage() {
  await requireTeam("OWNER");
  const tokens = await listApiTokens();
  return (
    <div className="space-y-8">
      <div className="space-y-2">
        <UpLink href="/team">Security team</UpLink>
        <h1 className="text-3xl font-bold tracking-tight">API tokens</h1>
      </div>
      <p className="max-w-prose text-slate-700">
        A token lets a script fetch the member list export without signing in, for example to keep a mailing list in
        sync. It works until it expires (at most two years) or is revoked; when the owner who created it is removed or
        made a reviewer it is revoked for good, even if they become an owner again. Each export made with a token is
        recorded in the audit log.
      </p>
      <Section id="tokens" title="Tokens">
        <ApiTokenTable tokens={tokens} />
      </Section>
      <Section id="create" title="Create a token">
        <CreateApiTokenForm baseUrl={getEnv().nextAuthUrl.replace(/\/+$/, "")} />
      </Section>
    </div>
  );
}
