import { describe, expect, it } from "vitest";
import { configuredProviders, readProviderProfile } from "@/features/auth/providers";
import { parseEnv } from "@/lib/env";

const envOf = (source: Record<string, string>) => {
  const result = parseEnv(source);
  if (!result.ok) throw new Error(result.problems.join("\n"));
  return result.env;
};

describe("sign-in providers", () => {
  it("offers on /signin only the providers the environment configures", () => {
    expect(configuredProviders(envOf({}))).toEqual([]);
    expect(configuredProviders(envOf({ GITHUB_ID: "id", GITHUB_SECRET: "secret" }))).toEqual([
      { id: "github", name: "GitHub" },
    ]);
    const oidc = { OIDC_ISSUER: "https://sso.example.org", OIDC_CLIENT_ID: "portal", OIDC_CLIENT_SECRET: "s" };
    expect(configuredProviders(envOf({ ...oidc, OIDC_NAME: "Example SSO" }))).toEqual([
      { id: "oidc", name: "Example SSO" },
    ]);
  });

  it("reads back only the profile shape its providers make", () => {
    const profile = { id: "42", verifiedEmail: "a@b.example", name: null, githubLogin: "octo" };
    expect(readProviderProfile(profile)).toEqual(profile);
    // next-auth's own profile of another provider, or a raw provider answer, is not taken for one.
    expect(readProviderProfile({ sub: "42", email: "a@b.example", email_verified: true })).toBeNull();
    expect(readProviderProfile({ ...profile, verifiedEmail: undefined })).toBeNull();
    expect(readProviderProfile(undefined)).toBeNull();
  });
});
