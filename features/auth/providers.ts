import "server-only";
import type { OAuthConfig } from "next-auth/providers/oauth";
import type { TokenSet } from "openid-client";
import { z } from "zod";
import type { Env } from "@/lib/env";

/**
 * The sign-in providers other than the e-mail link, as next-auth providers.
 * Each one hands next-auth's callbacks a profile of the same shape
 * (`ProviderProfile`): the account's stable id, and the one address the
 * provider asserts as verified, or null. Whether that address may sign
 * anyone in is decided in features/auth/provider-link.ts.
 */
export type ProviderProfile = {
  /** The provider's stable id of the account (OIDC `sub`, GitHub's numeric id). */
  id: string;
  /** The address the provider asserts as the account's, verified; null when it asserts none. */
  verifiedEmail: string | null;
  name: string | null;
  /** GitHub's login; null for other providers. */
  githubLogin: string | null;
};

export const PROVIDER_IDS = ["oidc", "github"] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export function isProviderId(value: string | undefined): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value ?? "");
}

/** What the sign-in page shows: the configured providers, with their buttons' names. */
export function configuredProviders(env: Env): { id: ProviderId; name: string }[] {
  return [
    ...(env.oidc ? [{ id: "oidc" as const, name: env.oidc.name }] : []),
    ...(env.github ? [{ id: "github" as const, name: "GitHub" }] : []),
  ];
}

const text = (max: number) => z.string().max(max).nullish().catch(null);

// Only `email_verified: true` (a JSON boolean) counts: the string "true" some providers send is no assertion.
const OidcClaims = z.object({
  sub: z.string().min(1).max(255),
  email: text(320),
  email_verified: z.unknown().optional(),
  name: text(200),
});

/**
 * Any OpenID Connect provider, found by discovery: the authorization code flow
 * with PKCE, state and nonce, the ID token's signature, issuer, audience and
 * nonce checked by openid-client. The address and whether it is verified come
 * from the userinfo endpoint when it names an address (it is the provider's
 * current view), from the ID token otherwise.
 */
export function oidcProvider(config: NonNullable<Env["oidc"]>): OAuthConfig<ProviderProfile> {
  return {
    id: "oidc",
    name: config.name,
    type: "oauth",
    wellKnown: `${config.issuer}/.well-known/openid-configuration`,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    checks: ["pkce", "state", "nonce"],
    httpOptions: { timeout: 10_000 },
    userinfo: {
      async request({ client, tokens }) {
        // With idToken set, next-auth hands over openid-client's TokenSet, its ID token already verified.
        const tokenSet = tokens as TokenSet;
        const idToken = OidcClaims.parse(tokenSet.claims());
        const info = (await client.userinfo(tokenSet).catch(() => null)) as Record<string, unknown> | null;
        // The address and its verified flag are taken together from one answer, never mixed.
        const source = info && typeof info.email === "string" ? OidcClaims.parse(info) : idToken;
        if (source.sub !== idToken.sub) throw new Error("the userinfo answer is about another account");
        return toProfile({
          id: idToken.sub,
          verifiedEmail: source.email_verified === true ? (source.email ?? null) : null,
          name: source.name ?? null,
          githubLogin: null,
        });
      },
    },
    profile: (profile) => ({ ...profile, email: profile.verifiedEmail }),
  } as OAuthConfig<ProviderProfile>;
}

const GitHubUser = z.object({
  id: z.number().int().positive(),
  // github.com allows letters, digits and hyphens; GitHub Enterprise Server's may hold an underscore.
  login: z.string().regex(/^[A-Za-z0-9_-]{1,39}$/),
  name: text(200),
});
const GitHubEmails = z.array(
  z.object({ email: z.string().max(320), primary: z.boolean(), verified: z.boolean() }).passthrough(),
);

/**
 * GitHub (or GitHub Enterprise Server) sign-in keyed on the account's primary
 * address, and only when GitHub says it is verified: next-auth's own GitHub
 * provider falls back to any address, verified or not.
 */
export function githubProvider(config: NonNullable<Env["github"]>): OAuthConfig<ProviderProfile> {
  const api = async (path: string, token: string) => {
    const response = await fetch(`${config.apiUrl}${path}`, {
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": "distributors-portal",
      },
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`GitHub answered ${path} with ${response.status}`);
    return response.json();
  };
  return {
    id: "github",
    name: "GitHub",
    type: "oauth",
    issuer: `${config.webUrl}/login/oauth`,
    authorization: { url: `${config.webUrl}/login/oauth/authorize`, params: { scope: "read:user user:email" } },
    token: `${config.webUrl}/login/oauth/access_token`,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    // GitHub documents the client's id and secret as fields of the token request's form.
    client: { token_endpoint_auth_method: "client_secret_post" },
    checks: ["pkce", "state"],
    httpOptions: { timeout: 10_000 },
    userinfo: {
      url: `${config.apiUrl}/user`,
      async request({ tokens }) {
        const token = tokens.access_token ?? "";
        const user = GitHubUser.parse(await api("/user", token));
        const emails = GitHubEmails.parse(await api("/user/emails", token));
        const primary = emails.find((entry) => entry.primary && entry.verified);
        return toProfile({
          id: String(user.id),
          verifiedEmail: primary?.email ?? null,
          name: user.name ?? null,
          githubLogin: user.login,
        });
      },
    },
    profile: (profile) => ({ ...profile, email: profile.verifiedEmail }),
  } as OAuthConfig<ProviderProfile>;
}

// next-auth's callbacks receive what `userinfo.request` returns as the raw profile: the same shape for both.
function toProfile(profile: ProviderProfile): ProviderProfile & Record<string, unknown> {
  return profile;
}

const ProfileSchema = z.object({
  id: z.string().min(1).max(255),
  verifiedEmail: z.string().max(320).nullable(),
  name: z.string().max(200).nullable(),
  githubLogin: z.string().max(39).nullable(),
});

/** The profile a provider's `userinfo.request` above made, read back in next-auth's callbacks. */
export function readProviderProfile(value: unknown): ProviderProfile | null {
  const parsed = ProfileSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
