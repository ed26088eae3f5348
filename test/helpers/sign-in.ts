import type { Page } from "playwright-core";
import type { PortalFixture } from "@/test/helpers/browser";

/** The first link to `path` in a mail's text. */
export function linkIn(text: string | undefined, path: string): string {
  const found = (text ?? "").match(new RegExp(`https?://[^\\s]+${path}[^\\s]*`))?.[0];
  if (!found) throw new Error(`no ${path} link in:\n${text}`);
  return found;
}

/** Signs in the way a person does: asks for a link, opens it from the received mail, presses Sign in. */
export async function signIn(portal: PortalFixture, page: Page, email: string, from = "/signin") {
  const before = portal.mail().messages.length;
  await page.goto(from);
  await page.getByLabel("E-mail address").fill(email);
  await page.getByRole("button", { name: "Send me a sign-in link" }).click();
  await page.getByText("a sign-in link is on its way").waitFor();
  const message = await portal
    .mail()
    .waitFor(
      (m) =>
        portal.mail().messages.indexOf(m) >= before &&
        m.envelopeTo.includes(email) &&
        /Sign in/.test(m.mail.subject ?? ""),
    );
  await page.goto(linkIn(message.mail.text, "/signin/confirm"));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signin") && !url.pathname.startsWith("/api/auth"));
}
