import { z } from "zod";
import { normalizeEmail } from "@/lib/email";

// Empty strings in a .env file mean "unset", not "set to nothing".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), schema.optional());

const emailList = z
  .string()
  .transform((value) =>
    value
      .split(",")
      .map((address) => address.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z.string().transform((value, ctx) => {
        const address = normalizeEmail(value);
        if (address) return address;
        ctx.addIssue({ code: "custom", message: "each address must be a plain e-mail address" });
        return z.NEVER;
      }),
    ),
  );

const EnvSchema = z
  .object({
    NODE_ENV: optional(z.enum(["development", "production", "test"])).transform((value) => value ?? "development"),
    DATABASE_URL: optional(
      z.url({ protocol: /^postgres(ql)?$/, message: "must be a postgres:// or postgresql:// URL" }),
    ),
    PORT: optional(
      z.coerce.number({ message: "must be a port number" }).int("must be a port number").min(0).max(65535),
    ),
    NEXTAUTH_URL: optional(z.url({ protocol: /^https?$/, message: "must be an http:// or https:// URL" })),
    NEXTAUTH_SECRET: optional(z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)")),
    SMTP_URL: optional(z.url({ protocol: /^smtps?$/, message: "must be an smtp:// or smtps:// URL" })),
    MAIL_FROM: optional(z.string().max(200)),
    MAIL_POOL_SIZE: optional(
      z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(1).max(50),
    ),
    PORTAL_OWNERS: optional(emailList),
    PORTAL_CONFIG: optional(z.string().min(1)),
    PORTAL_BACKUP_KEY: optional(z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)")),
    TRUST_PROXY: optional(z.enum(["true", "false"], { message: "must be true or false" })),
    GITHUB_ID: optional(z.string().max(200)),
    GITHUB_SECRET: optional(z.string().max(200)),
    GITHUB_URL: optional(z.url({ protocol: /^https?$/, message: "must be an http:// or https:// URL" })),
    GITHUB_API_URL: optional(z.url({ protocol: /^https?$/, message: "must be an http:// or https:// URL" })),
    OIDC_ISSUER: optional(z.url({ protocol: /^https?$/, message: "must be an http:// or https:// URL" })),
    OIDC_CLIENT_ID: optional(z.string().max(200)),
    OIDC_CLIENT_SECRET: optional(z.string().max(500)),
    OIDC_NAME: optional(
      z
        .string()
        .max(40, "must be at most 40 characters")
        .regex(/^[\p{L}\p{N} .&()'-]+$/u, "must be plain words, like Example SSO"),
    ),
    MAILMAN_REST_URL: optional(z.url({ protocol: /^https?$/, message: "must be an http:// or https:// URL" })),
    MAILMAN_REST_USER: optional(z.string().max(200)),
    MAILMAN_REST_PASSWORD: optional(z.string().max(200)),
    MAILMAN_LIST_ID: optional(
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9._-]*\.[a-z0-9.-]+$/, "must be a Mailman list id, like distributors.lists.example.org"),
    ),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.GITHUB_ID) !== Boolean(env.GITHUB_SECRET)) {
      ctx.addIssue({
        code: "custom",
        path: [env.GITHUB_ID ? "GITHUB_SECRET" : "GITHUB_ID"],
        message: "set both GITHUB_ID and GITHUB_SECRET, or neither",
      });
    }
    if ((env.GITHUB_URL || env.GITHUB_API_URL) && !env.GITHUB_ID) {
      ctx.addIssue({
        code: "custom",
        path: [env.GITHUB_URL ? "GITHUB_URL" : "GITHUB_API_URL"],
        message: "is used only with GITHUB_ID and GITHUB_SECRET",
      });
    }
    const oidc = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      const missing = (["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const).filter((name) => !env[name]);
      ctx.addIssue({
        code: "custom",
        path: [missing[0] ?? "OIDC_ISSUER"],
        message: "set all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, or none",
      });
    }
    if (env.OIDC_NAME && !env.OIDC_ISSUER) {
      ctx.addIssue({ code: "custom", path: ["OIDC_NAME"], message: "is used only with OIDC_ISSUER" });
    }
    const mailman = [env.MAILMAN_REST_URL, env.MAILMAN_REST_USER, env.MAILMAN_REST_PASSWORD, env.MAILMAN_LIST_ID];
    if (mailman.some(Boolean) && !mailman.every(Boolean)) {
      ctx.addIssue({
        code: "custom",
        path: ["MAILMAN_REST_URL"],
        message: "set all of MAILMAN_REST_URL, MAILMAN_REST_USER, MAILMAN_REST_PASSWORD and MAILMAN_LIST_ID, or none",
      });
    }
    if (env.NODE_ENV !== "production") return;
    for (const name of ["NEXTAUTH_SECRET", "NEXTAUTH_URL", "SMTP_URL"] as const) {
      if (!env[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required in production" });
    }
    // Sign-in through a provider over plain http would let anyone on the path read its codes and tokens.
    for (const name of ["OIDC_ISSUER", "GITHUB_URL", "GITHUB_API_URL"] as const) {
      if (env[name]?.startsWith("http://")) {
        ctx.addIssue({ code: "custom", path: [name], message: "must be an https:// URL in production" });
      }
    }
  });

export const DEFAULT_PORT = 3000;

// Production refuses to start without NEXTAUTH_SECRET; this only serves
// development and tests, where links and sessions need some stable secret.
const DEVELOPMENT_SECRET = "development-only-secret-never-used-in-production";

export type Env = {
  nodeEnv: "development" | "production" | "test";
  databaseUrl: string | undefined;
  /** PORT, the public port of `npm run dev`/`npm start` (3000 when unset; -p overrides it). */
  port: number | undefined;
  /**
   * NEXTAUTH_URL. Unset outside production, http://localhost:PORT; `npm run dev`
   * sets it for Next from the port and host it actually listens on.
   */
  nextAuthUrl: string;
  /** NEXTAUTH_SECRET; outside production a fixed development value when unset. */
  nextAuthSecret: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** MAIL_POOL_SIZE: SMTP connections the delivery keeps open and sends on at once (default 5). */
  mailPoolSize: number;
  portalOwners: string[];
  portalConfigPath: string;
  /** PORTAL_BACKUP_KEY: backups are signed with it (HMAC-SHA256) and restore checks the signature. */
  backupKey: string | undefined;
  trustProxy: boolean;
  /**
   * GITHUB_ID and GITHUB_SECRET; GITHUB_URL (the web host, https://github.com) and GITHUB_API_URL
   * (https://api.github.com) change only for GitHub Enterprise Server (https://HOST and https://HOST/api/v3).
   */
  github: { clientId: string; clientSecret: string; webUrl: string; apiUrl: string } | undefined;
  /** OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET: any OpenID Connect provider; OIDC_NAME labels its button. */
  oidc: { issuer: string; clientId: string; clientSecret: string; name: string } | undefined;
  /** Mailman core's REST API for the live sync, when all four MAILMAN_ variables are set. */
  mailman: { restUrl: string; user: string; password: string; listId: string } | undefined;
  /** Secure cookies (the __Secure- prefix) when the public URL is https. */
  secureCookies: boolean;
};

export type EnvResult = { ok: true; env: Env } | { ok: false; problems: string[] };

/** Validates a process environment; problems are one line each, naming the variable. */
export function parseEnv(source: Record<string, string | undefined>): EnvResult {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`),
    };
  }
  const raw = parsed.data;
  return {
    ok: true,
    env: {
      nodeEnv: raw.NODE_ENV,
      databaseUrl: raw.DATABASE_URL,
      port: raw.PORT,
      nextAuthUrl: raw.NEXTAUTH_URL ?? `http://localhost:${raw.PORT ?? DEFAULT_PORT}`,
      nextAuthSecret: raw.NEXTAUTH_SECRET ?? DEVELOPMENT_SECRET,
      smtpUrl: raw.SMTP_URL,
      mailFrom: raw.MAIL_FROM ?? "Distributors Portal <portal@localhost>",
      mailPoolSize: raw.MAIL_POOL_SIZE ?? 5,
      portalOwners: raw.PORTAL_OWNERS ?? [],
      portalConfigPath: raw.PORTAL_CONFIG ?? "portal.config.json",
      backupKey: raw.PORTAL_BACKUP_KEY,
      trustProxy: raw.TRUST_PROXY === "true",
      github:
        raw.GITHUB_ID && raw.GITHUB_SECRET
          ? {
              clientId: raw.GITHUB_ID,
              clientSecret: raw.GITHUB_SECRET,
              webUrl: withoutTrailingSlash(raw.GITHUB_URL ?? "https://github.com"),
              apiUrl: withoutTrailingSlash(
                raw.GITHUB_API_URL ??
                  (raw.GITHUB_URL ? `${raw.GITHUB_URL.replace(/\/+$/, "")}/api/v3` : "https://api.github.com"),
              ),
            }
          : undefined,
      oidc:
        raw.OIDC_ISSUER && raw.OIDC_CLIENT_ID && raw.OIDC_CLIENT_SECRET
          ? {
              issuer: withoutTrailingSlash(raw.OIDC_ISSUER),
              clientId: raw.OIDC_CLIENT_ID,
              clientSecret: raw.OIDC_CLIENT_SECRET,
              name: raw.OIDC_NAME ?? "single sign-on",
            }
          : undefined,
      mailman:
        raw.MAILMAN_REST_URL && raw.MAILMAN_REST_USER && raw.MAILMAN_REST_PASSWORD && raw.MAILMAN_LIST_ID
          ? {
              restUrl: raw.MAILMAN_REST_URL,
              user: raw.MAILMAN_REST_USER,
              password: raw.MAILMAN_REST_PASSWORD,
              listId: raw.MAILMAN_LIST_ID,
            }
          : undefined,
      secureCookies: (raw.NEXTAUTH_URL ?? "").startsWith("https://"),
    },
  };
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((line) => `  ${line}`).join("\n")}`);
    this.name = "EnvError";
  }
}

let cached: Env | undefined;

/** The validated environment of this process; throws EnvError listing every problem. */
export function getEnv(): Env {
  if (cached) return cached;
  const result = parseEnv(process.env);
  if (!result.ok) throw new EnvError(result.problems);
  cached = result.env;
  return cached;
}
