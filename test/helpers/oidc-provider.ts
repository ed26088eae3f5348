// A real OpenID Connect provider on loopback (the `oidc-provider` package):
// one confidential client registered with the portal's redirect URI, accounts
// whose claims the test sets, and a minimal login and consent: the interaction
// page signs in whichever account the test named (`loginAs`) and grants the
// scopes asked for, as a person clicking through would.
import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import Provider from "oidc-provider";

export type OidcClaims = { email?: string; email_verified?: unknown; name?: string };

export type LoopbackOidc = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** sub → the claims the provider asserts for it (read when the portal asks). */
  accounts: Map<string, OidcClaims>;
  /** The account the next interaction signs in. */
  loginAs: (sub: string) => void;
  /** How long an authorization code lives, in seconds (60 unless set). */
  setCodeTtl: (seconds: number) => void;
  stop: () => Promise<void>;
};

export async function startOidcProvider(portalBaseUrl: string): Promise<LoopbackOidc> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address !== "object") throw new Error("no port");
  const issuer = `http://127.0.0.1:${address.port}`;
  const clientId = "distributors-portal";
  const clientSecret = "loopback-client-secret-0123456789abcdef";
  const accounts = new Map<string, OidcClaims>();
  let login: string | undefined;
  let codeTtl = 60;
  const codeLifetime = () => codeTtl;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [`${portalBaseUrl}/api/auth/callback/oidc`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: "loopback", use: "sig", alg: "RS256" }] },
    cookies: { keys: ["loopback-cookie-key-0123456789abcdef"] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    features: { devInteractions: { enabled: false } },
    ttl: { AuthorizationCode: codeLifetime },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) =>
      accounts.has(sub) ? { accountId: sub, claims: async () => ({ sub, ...accounts.get(sub) }) } : undefined,
  });

  const callback = provider.callback();
  server.on("request", async (req, res) => {
    if (!req.url?.startsWith("/interaction/")) return void callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === "login") {
        if (!login) throw new Error("the test named no account to sign in");
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: login } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      const grant = new provider.Grant({ accountId: details.session?.accountId, clientId });
      const scope = String(details.params.scope ?? "openid");
      grant.addOIDCScope(scope);
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    loginAs: (sub) => {
      login = sub;
    },
    setCodeTtl: (seconds) => {
      codeTtl = seconds;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
