import type { MailCatcher } from "@/test/helpers/smtp";

// A sign-in link belongs to the browser that asked for it (a cookie set when
// it is asked for; features/auth/sign-in-binding.ts). These helpers sign in
// as one browser per portal does: the cookies each portal set are kept here
// and sent back, as a browser's cookie jar would.
const jars = new Map<string, Map<string, string>>();

function jarOf(baseUrl: string): Map<string, string> {
  const jar = jars.get(baseUrl) ?? new Map<string, string>();
  jars.set(baseUrl, jar);
  return jar;
}

/** The Cookie header this test's browser sends to the portal at `baseUrl`. */
export function browserCookies(baseUrl: string): string {
  return [...jarOf(baseUrl)].map(([name, value]) => `${name}=${value}`).join("; ");
}

function keepCookies(baseUrl: string, response: Response) {
  const jar = jarOf(baseUrl);
  for (const line of response.headers.getSetCookie()) {
    const [pair = ""] = line.split(";");
    const at = pair.indexOf("=");
    const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
    if (value === "" || /max-age=0/i.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
}

/** The sign-in link of the newest sign-in mail to `email`. */
export async function signInLinkFor(mail: MailCatcher, email: string, after: number): Promise<URL> {
  const message = await mail.waitFor(
    (m) => mail.messages.indexOf(m) >= after && m.envelopeTo.includes(email) && /Sign in/.test(m.mail.subject ?? ""),
  );
  const link = (message.mail.text ?? "").match(/https?:\/\/\S+\/signin\/confirm\S*/)?.[0];
  if (!link) throw new Error(`no sign-in link in:\n${message.mail.text}`);
  return new URL(link);
}

/** Asks for a link as this test's browser (keeping the cookie that binds the link to it). */
export async function requestSignInLink(baseUrl: string, email: string): Promise<Response> {
  const cookie = browserCookies(baseUrl);
  const response = await fetch(`${baseUrl}/signin/link`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ email }),
  });
  keepCookies(baseUrl, response);
  return response;
}

/**
 * What the confirmation page's button posts, from the portal's own origin
 * unless told otherwise, in this test's browser (which asked for the link)
 * unless `elsewhere` says it is opened in another one, where the address
 * must be typed (`typed`).
 */
export function confirmSignIn(
  baseUrl: string,
  link: URL,
  origin = baseUrl,
  { elsewhere = false, typed }: { elsewhere?: boolean; typed?: string } = {},
): Promise<Response> {
  const cookie = elsewhere ? "" : browserCookies(baseUrl);
  return fetch(`${baseUrl}/signin/confirm/continue`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin, ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams({
      token: link.searchParams.get("token") ?? "",
      callbackUrl: link.searchParams.get("callbackUrl") ?? "/apply",
      ...(typed === undefined ? {} : { email: typed }),
    }),
  });
}

/** Signs in over plain HTTP as a browser would; returns the session cookie ("name=value"). */
export async function signInOverHttp(baseUrl: string, mail: MailCatcher, email: string): Promise<string> {
  const before = mail.messages.length;
  const asked = await requestSignInLink(baseUrl, email);
  if (!asked.ok) throw new Error(`sign-in link refused: ${asked.status}`);
  const confirmed = await confirmSignIn(baseUrl, await signInLinkFor(mail, email, before));
  const cookie = confirmed.headers.getSetCookie().find((line) => line.startsWith("next-auth.session-token="));
  if (!cookie) throw new Error(`no session cookie (status ${confirmed.status})`);
  return cookie.split(";")[0] as string;
}
