import type { MailCatcher } from "@/test/helpers/smtp";

/** The sign-in link of the newest sign-in mail to `email`. */
export async function signInLinkFor(mail: MailCatcher, email: string, after: number): Promise<URL> {
  const message = await mail.waitFor(
    (m) => mail.messages.indexOf(m) >= after && m.envelopeTo.includes(email) && /Sign in/.test(m.mail.subject ?? ""),
  );
  const link = (message.mail.text ?? "").match(/https?:\/\/\S+\/signin\/confirm\S*/)?.[0];
  if (!link) throw new Error(`no sign-in link in:\n${message.mail.text}`);
  return new URL(link);
}

export async function requestSignInLink(baseUrl: string, email: string): Promise<Response> {
  return fetch(`${baseUrl}/signin/link`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ email }),
  });
}

/** What the confirmation page's button posts, from the portal's own origin unless told otherwise. */
export function confirmSignIn(baseUrl: string, link: URL, origin = baseUrl): Promise<Response> {
  return fetch(`${baseUrl}/signin/confirm/continue`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin },
    body: new URLSearchParams({
      token: link.searchParams.get("token") ?? "",
      email: link.searchParams.get("email") ?? "",
      callbackUrl: link.searchParams.get("callbackUrl") ?? "/apply",
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
