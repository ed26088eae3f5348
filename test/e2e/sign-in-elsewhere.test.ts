// A sign-in link opened in another browser than the one that asked (issue 19,
// item 15), in Chromium: the page asks for the address instead of showing
// it; a wrong one is refused beside the field and stays typed; the right one
// signs in. Someone else's link cannot sign a visitor in with one click.
import { describe, expect, it } from "vitest";
import { accessibilityProblems } from "@/test/helpers/axe";
import { portalFixture } from "@/test/helpers/browser";
import { linkIn } from "@/test/helpers/sign-in";

const portal = portalFixture();

/** Asks for a link in `page`'s browser, as a person does; the link from the mail. */
async function askForLink(page: ReturnType<typeof portal.page>, email: string): Promise<string> {
  const before = portal.mail().messages.length;
  await page.goto("/signin");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByRole("button", { name: "Send me a sign-in link" }).click();
  await page.getByText("a sign-in link is on its way").waitFor();
  const message = await portal
    .mail()
    .waitFor((m) => portal.mail().messages.indexOf(m) >= before && m.envelopeTo.includes(email));
  return linkIn(message.mail.text, "/signin/confirm");
}

describe("a sign-in link opened in another browser", () => {
  it("asks for the address, refuses a wrong one beside the field, and signs in with the right one", async () => {
    const laptop = portal.page();
    const link = await askForLink(laptop, "elsewhere@umbrella-e2e.example");
    const phone = await portal.newPage();
    await phone.goto(link);
    expect(await phone.content()).not.toContain("elsewhere@umbrella-e2e.example");
    const field = phone.getByLabel("E-mail address");
    expect(await phone.getByText("This link was asked for in another browser").count()).toBe(1);

    await field.fill("someone-else@umbrella-e2e.example");
    await phone.getByRole("button", { name: "Sign in" }).click();
    await phone.getByText("That is not the address this sign-in link was sent to").waitFor();
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    expect(await field.inputValue()).toBe("someone-else@umbrella-e2e.example");
    expect(await accessibilityProblems(phone)).toEqual([]);

    await field.fill("Elsewhere@Umbrella-E2E.example");
    await phone.getByRole("button", { name: "Sign in" }).click();
    await phone.waitForURL((url) => url.pathname === "/apply");
    await phone.getByText("elsewhere@umbrella-e2e.example").first().waitFor();
  });

  it("does not sign a visitor in as the person whose link it is when they press Sign in", async () => {
    const attacker = await portal.newPage();
    const link = await askForLink(attacker, "link-owner@evil-e2e.example");
    const victim = portal.page();
    await victim.goto(link);
    await victim.getByRole("button", { name: "Sign in" }).click();
    await victim.getByText("Type the e-mail address this sign-in link was sent to.").waitFor();
    expect(new URL(victim.url()).pathname).toBe("/signin/confirm");
    const session = await victim.evaluate(async () => (await fetch("/api/auth/session")).json());
    expect(session).toEqual({});
  });
});
