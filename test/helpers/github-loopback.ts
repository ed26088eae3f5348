// GitHub played on loopback, with the fields GitHub documents and nothing
// else: the OAuth app's web flow (GET /login/oauth/authorize redirecting back
// with `code` and `state`; POST /login/oauth/access_token taking client_id,
// client_secret, code, redirect_uri and code_verifier, answering JSON when
// asked for it, `bad_verification_code` for a code that is unknown, used or
// older than ten minutes) and the REST API (GET /user, GET /user/emails with
// `email`, `primary`, `verified`, `visibility`), on one server: the portal
// reaches it as GITHUB_URL and GITHUB_API_URL.
// https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
// https://docs.github.com/en/rest/users/emails
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

export type GitHubEmail = {
  email: string;
  primary: boolean;
  verified: boolean;
  visibility: "public" | "private" | null;
};
export type GitHubAccount = { id: number; login: string; name: string | null; emails: GitHubEmail[] };

export type LoopbackGitHub = {
  url: string;
  clientId: string;
  clientSecret: string;
  /** login → the account; what /user and /user/emails answer is read on each request. */
  accounts: Map<string, GitHubAccount>;
  /** The account that approves the next authorization ("Authorize" clicked). */
  loginAs: (login: string) => void;
  stop: () => Promise<void>;
};

type Grant = { login: string; redirectUri: string; challenge: string | null; issued: number; used: boolean };

export async function startGitHub(): Promise<LoopbackGitHub> {
  const clientId = "Iv1.loopback0123456";
  const clientSecret = "loopback-github-secret-0123456789abcdef";
  const accounts = new Map<string, GitHubAccount>();
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, string>();
  let current: string | undefined;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://loopback");
    try {
      if (req.method === "GET" && url.pathname === "/login/oauth/authorize") return authorize(url, res);
      if (req.method === "POST" && url.pathname === "/login/oauth/access_token") return await token(req, res);
      if (req.method === "GET" && (url.pathname === "/user" || url.pathname === "/user/emails")) {
        const account = accounts.get(tokens.get(bearer(req)) ?? "");
        if (!account)
          return json(res, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
        if (url.pathname === "/user/emails") return json(res, 200, account.emails);
        const primary = account.emails.find((entry) => entry.primary && entry.visibility === "public");
        return json(res, 200, {
          login: account.login,
          id: account.id,
          name: account.name,
          // The public profile address: any address the person made public, verified or not.
          email: primary?.email ?? null,
          avatar_url: `https://avatars.example/u/${account.id}`,
          type: "User",
        });
      }
      json(res, 404, { message: "Not Found" });
    } catch (error) {
      json(res, 500, { message: String(error) });
    }
  });

  function authorize(url: URL, res: ServerResponse) {
    const redirectUri = url.searchParams.get("redirect_uri") ?? "";
    if (url.searchParams.get("client_id") !== clientId || !current) return json(res, 404, { message: "Not Found" });
    const method = url.searchParams.get("code_challenge_method");
    const code = randomBytes(10).toString("hex");
    codes.set(code, {
      login: current,
      redirectUri,
      challenge: method === "S256" ? url.searchParams.get("code_challenge") : null,
      issued: Date.now(),
      used: false,
    });
    const back = new URL(redirectUri);
    back.searchParams.set("code", code);
    const state = url.searchParams.get("state");
    if (state !== null) back.searchParams.set("state", state);
    res.writeHead(302, { Location: back.toString() }).end();
  }

  async function token(req: IncomingMessage, res: ServerResponse) {
    let body = "";
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    const grant = codes.get(form.get("code") ?? "");
    const verifier = form.get("code_verifier");
    const challengeOk =
      !grant?.challenge || (verifier && createHash("sha256").update(verifier).digest("base64url") === grant.challenge);
    const answer = (fields: Record<string, string>) =>
      (req.headers.accept ?? "").includes("application/json")
        ? json(res, 200, fields)
        : res
            .writeHead(200, { "content-type": "application/x-www-form-urlencoded" })
            .end(new URLSearchParams(fields).toString());
    if (form.get("client_id") !== clientId || form.get("client_secret") !== clientSecret) {
      return answer({
        error: "incorrect_client_credentials",
        error_description: "The client_id and/or client_secret passed are incorrect.",
      });
    }
    if (!grant || grant.used || Date.now() - grant.issued > 10 * 60_000 || !challengeOk) {
      return answer({ error: "bad_verification_code", error_description: "The code passed is incorrect or expired." });
    }
    if (form.has("redirect_uri") && form.get("redirect_uri") !== grant.redirectUri) {
      return answer({
        error: "redirect_uri_mismatch",
        error_description: "The redirect_uri MUST match the registered callback URL for this application.",
      });
    }
    grant.used = true;
    const accessToken = `gho_${randomBytes(18).toString("hex")}`;
    tokens.set(accessToken, grant.login);
    answer({ access_token: accessToken, scope: "read:user,user:email", token_type: "bearer" });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address !== "object") throw new Error("no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    clientId,
    clientSecret,
    accounts,
    loginAs: (login) => {
      current = login;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function bearer(req: IncomingMessage): string {
  return (req.headers.authorization ?? "").replace(/^(Bearer|token) /i, "");
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
}
