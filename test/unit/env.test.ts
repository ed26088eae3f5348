import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";

const secret = "s".repeat(32);

describe("environment", () => {
  it("needs nothing in development and fills sensible defaults", () => {
    const result = parseEnv({ NODE_ENV: "development" });
    expect(result).toEqual({
      ok: true,
      env: {
        nodeEnv: "development",
        databaseUrl: undefined,
        nextAuthUrl: "http://localhost:3000",
        nextAuthSecret: "development-only-secret-never-used-in-production",
        smtpUrl: undefined,
        mailFrom: "Distributors Portal <portal@localhost>",
        mailPoolSize: 5,
        portalOwners: [],
        portalConfigPath: "portal.config.json",
        trustProxy: false,
        github: undefined,
        secureCookies: false,
      },
    });
  });

  it("takes OpenID Connect's three variables together or not at all, naming the missing one", () => {
    const all = {
      OIDC_ISSUER: "https://sso.example.org/realms/x/",
      OIDC_CLIENT_ID: "portal",
      OIDC_CLIENT_SECRET: "s3cret",
    };
    const result = parseEnv(all);
    expect(result.ok && result.env.oidc).toEqual({
      issuer: "https://sso.example.org/realms/x",
      clientId: "portal",
      clientSecret: "s3cret",
      name: "single sign-on",
    });
    expect(parseEnv({ ...all, OIDC_CLIENT_SECRET: "" })).toEqual({
      ok: false,
      problems: ["OIDC_CLIENT_SECRET: set all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, or none"],
    });
    expect(parseEnv({ OIDC_NAME: "Example SSO" })).toMatchObject({ ok: false, problems: [/^OIDC_NAME: /] });
    expect(parseEnv({ ...all, OIDC_NAME: "<script>" })).toMatchObject({ ok: false, problems: [/^OIDC_NAME: /] });
    expect(parseEnv({ ...all, OIDC_ISSUER: "ftp://sso.example.org" })).toMatchObject({
      ok: false,
      problems: [/^OIDC_ISSUER: /],
    });
  });

  it("points GitHub at github.com, or at a GitHub Enterprise Server's host and its /api/v3", () => {
    const keys = { GITHUB_ID: "id", GITHUB_SECRET: "secret" };
    const github = (extra: Record<string, string>) => {
      const result = parseEnv({ ...keys, ...extra });
      return result.ok ? result.env.github : result.problems;
    };
    expect(github({})).toEqual({
      ...{ clientId: "id", clientSecret: "secret" },
      webUrl: "https://github.com",
      apiUrl: "https://api.github.com",
    });
    expect(github({ GITHUB_URL: "https://git.example.org/" })).toMatchObject({
      webUrl: "https://git.example.org",
      apiUrl: "https://git.example.org/api/v3",
    });
    expect(parseEnv({ GITHUB_URL: "https://git.example.org" })).toMatchObject({
      ok: false,
      problems: [/^GITHUB_URL: /],
    });
    const production = {
      NODE_ENV: "production",
      NEXTAUTH_SECRET: secret,
      NEXTAUTH_URL: "https://p.example.org",
      SMTP_URL: "smtp://m",
    };
    expect(parseEnv({ ...production, ...keys, GITHUB_URL: "http://git.example.org" })).toEqual({
      ok: false,
      problems: ["GITHUB_URL: must be an https:// URL in production"],
    });
  });

  it("defaults NEXTAUTH_URL to PORT's port outside production, and refuses a PORT that is no port", () => {
    const result = parseEnv({ NODE_ENV: "development", PORT: "3100" });
    expect(result.ok && [result.env.port, result.env.nextAuthUrl]).toEqual([3100, "http://localhost:3100"]);
    const set = parseEnv({ PORT: "3100", NEXTAUTH_URL: "http://localhost:3000" });
    expect(set.ok && set.env.nextAuthUrl).toBe("http://localhost:3000");
    for (const PORT of ["http", "70000", "31.5"]) {
      expect(parseEnv({ PORT })).toMatchObject({ ok: false, problems: [expect.stringMatching(/^PORT: /)] });
    }
  });

  it("refuses production without a secret, a public URL and a mail server, naming each variable", () => {
    expect(parseEnv({ NODE_ENV: "production" })).toEqual({
      ok: false,
      problems: [
        "NEXTAUTH_SECRET: is required in production",
        "NEXTAUTH_URL: is required in production",
        "SMTP_URL: is required in production",
      ],
    });
    const ok = parseEnv({
      NODE_ENV: "production",
      NEXTAUTH_SECRET: secret,
      NEXTAUTH_URL: "https://portal.example.org",
      SMTP_URL: "smtp://mail.example.org:587",
    });
    expect(ok.ok).toBe(true);
  });

  it("gives one line per bad value", () => {
    const result = parseEnv({
      DATABASE_URL: "mysql://localhost/db",
      NEXTAUTH_SECRET: "short",
      SMTP_URL: "http://mail",
      PORTAL_OWNERS: "a@x.org, not-an-address",
      TRUST_PROXY: "yes",
    });
    expect(result).toEqual({
      ok: false,
      problems: [
        "DATABASE_URL: must be a postgres:// or postgresql:// URL",
        "NEXTAUTH_SECRET: must be at least 32 characters (openssl rand -base64 32)",
        "SMTP_URL: must be an smtp:// or smtps:// URL",
        "PORTAL_OWNERS.1: each address must be a plain e-mail address",
        "TRUST_PROXY: must be true or false",
      ],
    });
  });

  it("normalises the owner list and treats empty values as unset", () => {
    const result = parseEnv({
      PORTAL_OWNERS: " Alice@Example.org ,bob@example.org,",
      DATABASE_URL: "",
      SMTP_URL: "  ",
    });
    expect(result.ok && result.env.portalOwners).toEqual(["alice@example.org", "bob@example.org"]);
    expect(result.ok && result.env.databaseUrl).toBeUndefined();
    expect(result.ok && result.env.smtpUrl).toBeUndefined();
  });
});
