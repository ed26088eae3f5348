import "server-only";
import { cookies } from "next/headers";
import type { NextAuthOptions } from "next-auth";
import { recordAuditEvent } from "@/features/audit/mutations";
import { portalAdapter } from "@/features/auth/adapter";
import { findSessionViewer, sessionCookieName } from "@/features/auth/data";
import { isCurrentMemberContact } from "@/features/auth/member-contact";
import { decideProviderSignIn } from "@/features/auth/provider-link";
import { githubProvider, isProviderId, oidcProvider, readProviderProfile } from "@/features/auth/providers";
import { getDb } from "@/lib/db";
import { normalizeEmail } from "@/lib/email";
import { getEnv } from "@/lib/env";
import { SESSION_MAX_AGE_SECONDS, SIGN_IN_LINK_MINUTES } from "@/lib/link-lifetimes";

/**
 * next-auth verifies e-mailed links (its callback consumes the one-use token
 * and opens a database session). The links themselves are created and mailed
 * by the portal's own sign-in form (features/auth/mutations.ts), which
 * validates and rate-limits; next-auth's own "send a link" endpoint is closed
 * in app/api/auth/[...nextauth]/route.ts. GitHub and OpenID Connect sign-ins
 * (features/auth/providers.ts) go through the linking rule of
 * features/auth/provider-link.ts in the signIn callback.
 */
export function authOptions(): NextAuthOptions {
  const env = getEnv();
  const db = getDb();
  return {
    secret: env.nextAuthSecret,
    adapter: portalAdapter(db),
    session: { strategy: "database", maxAge: SESSION_MAX_AGE_SECONDS, updateAge: 24 * 60 * 60 },
    useSecureCookies: env.secureCookies,
    pages: { signIn: "/signin", verifyRequest: "/signin", error: "/signin" },
    providers: [
      {
        id: "email",
        type: "email",
        name: "Email",
        server: {},
        from: env.mailFrom,
        maxAge: SIGN_IN_LINK_MINUTES * 60,
        options: {},
        normalizeIdentifier: (identifier: string) => normalizeEmail(identifier) ?? "",
        sendVerificationRequest: async () => {
          throw new Error("sign-in links are sent by the portal's sign-in form");
        },
      },
      ...(env.oidc ? [oidcProvider(env.oidc)] : []),
      ...(env.github ? [githubProvider(env.github)] : []),
    ],
    callbacks: {
      signIn: async ({ user, account, profile }) => {
        if (account?.type === "email") return Boolean(user.email && normalizeEmail(user.email));
        const provider = account?.provider;
        const asserted = readProviderProfile(profile);
        if (account?.type !== "oauth" || !isProviderId(provider) || !asserted) return false;
        const refused = (code: string) => `${env.nextAuthUrl}/signin?error=${code}`;
        try {
          const sessionToken = (await cookies()).get(sessionCookieName(env.secureCookies))?.value;
          const decision = await decideProviderSignIn(db, { provider, profile: asserted, sessionToken });
          return decision.ok || refused(decision.code);
        } catch (error) {
          console.error("provider sign-in failed", provider, error instanceof Error ? error.message : "unknown error");
          return refused("ProviderFailed");
        }
      },
      // What the header's island shows on the pages rendered once: the address, the team role this session
      // may use (the passkey step counts: features/auth/factors.ts) and whether the person is a current
      // member's contact, read on every request; nothing else.
      session: async ({ session, user }) => {
        const token = (await cookies()).get(sessionCookieName(env.secureCookies))?.value;
        const viewer = await findSessionViewer(db, token);
        return {
          expires: session.expires,
          user: { email: user.email },
          role: viewer?.id === user.id ? viewer.role : null,
          factor: viewer?.id === user.id ? (viewer.factor ?? null) : null,
          contact: await isCurrentMemberContact(db, user.email),
        } as never;
      },
    },
    events: {
      signIn: async ({ user, account }) => {
        await db.$transaction((tx) =>
          recordAuditEvent(tx, {
            actor: { id: user.id, email: user.email ?? null },
            action: "auth.signed-in",
            subjectType: "User",
            subjectId: user.id,
            data: { provider: account?.provider ?? "unknown" },
          }),
        );
      },
    },
  };
}
