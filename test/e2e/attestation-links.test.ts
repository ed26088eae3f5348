// Issue 20, items 6, 7 and 16: a lost re-attestation link asked for again on
// /membership, an owner's resend and extension at any time, the header's
// "My membership" link for a current member's contact (rendered by the server on
// pages rendered per request; the pages rendered once stay the same bytes for everyone).
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { reattestedCriteria } from "@/features/attestations/schema";
import { loadPortalConfig } from "@/features/portal-config/load";
import { accessibilityProblems } from "@/test/helpers/axe";
import { portalFixture } from "@/test/helpers/browser";
import { linkIn, signIn } from "@/test/helpers/sign-in";

const config = loadPortalConfig("portal.config.json");
const portal = portalFixture();

async function attest(page: Page) {
  for (const criterion of reattestedCriteria(config.criteria)) await page.getByLabel(criterion.title).check();
  await page.getByLabel("We accept the current embargo policy").check();
  await page.getByRole("button", { name: "Send our confirmation" }).click();
}

describe("a lost re-attestation link", () => {
  it("the contact asks for a new one on /membership: it arrives, the old one refuses, the new one attests", async () => {
    const first = await portal
      .mail()
      .waitFor(
        (m) => m.envelopeTo.includes("psirt@globex.example") && /^Confirm Globex/.test(m.mail.subject ?? ""),
        60_000,
      );
    const oldLink = linkIn(first.mail.text, "/attest/");
    const contact = portal.page();
    await signIn(portal, contact, "psirt@globex.example", "/membership");
    // The header's link to the contact's page.
    await contact.goto("/apply");
    await contact.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My membership" }).click();
    await contact.getByRole("heading", { name: "Globex Service Mesh" }).waitFor();
    await contact.getByText("Lost it? We mail a new one to the same address").waitFor();
    expect(await accessibilityProblems(contact)).toEqual([]);

    const before = portal.mail().messages.length;
    await contact.getByRole("button", { name: "Mail me a new link for Globex Service Mesh" }).click();
    await contact
      .getByText("We mailed a new link to psirt@globex.example. The link mailed before no longer works.")
      .waitFor();
    const fresh = await portal
      .mail()
      .waitFor(
        (m) => portal.mail().messages.indexOf(m) >= before && /^New link: confirm Globex/.test(m.mail.subject ?? ""),
      );
    expect(fresh.envelopeTo).toEqual(["psirt@globex.example"]);
    const newLink = linkIn(fresh.mail.text, "/attest/");
    expect(newLink).not.toBe(oldLink);

    const reader = await portal.newPage();
    await reader.goto(oldLink);
    await reader.getByText("This link is not valid.").waitFor();
    expect(await reader.getByRole("button", { name: "Send our confirmation" }).count()).toBe(0);
    await reader.goto(newLink);
    await attest(reader);
    await reader.getByText("Globex Service Mesh stays on the list").waitFor();
  });

  it("an owner resends a link and extends a re-attestation still waiting for its answer", async () => {
    const owner = portal.page();
    await signIn(portal, owner, "alice@security.kmesh.example");
    await owner.goto("/members/attestations");
    const row = owner.locator('[data-attestation="Initech Cloud Networking"]');
    const dueBefore = await row.locator("time").first().getAttribute("datetime");
    expect(await accessibilityProblems(owner)).toEqual([]);

    const before = portal.mail().messages.length;
    await row.getByRole("button", { name: "Resend the link for Initech Cloud Networking" }).click();
    await row.getByText("New link mailed to security@initech.example; the one before no longer works.").waitFor();
    const resent = await portal
      .mail()
      .waitFor(
        (m) => portal.mail().messages.indexOf(m) >= before && /^New link: confirm Initech/.test(m.mail.subject ?? ""),
      );
    expect(resent.envelopeTo).toEqual(["security@initech.example"]);
    expect(resent.mail.text).toContain("security team sent you a new link");

    await row.getByLabel("Days more for Initech Cloud Networking").fill("7");
    await row.getByRole("button", { name: "Extend" }).click();
    await owner
      .getByText(/extended/i)
      .first()
      .waitFor();
    const dueAfter = await owner
      .locator('[data-attestation="Initech Cloud Networking"] time')
      .first()
      .getAttribute("datetime");
    expect(new Date(dueAfter ?? 0).getTime() - new Date(dueBefore ?? 0).getTime()).toBeGreaterThanOrEqual(
      7 * 24 * 60 * 60 * 1000 - 60_000,
    );
    const extended = await portal
      .mail()
      .waitFor(
        (m) =>
          m.envelopeTo.includes("security@initech.example") && /^Reminder: Confirm Initech/.test(m.mail.subject ?? ""),
      );
    const reader = await portal.newPage();
    await reader.goto(linkIn(resent.mail.text, "/attest/"));
    await reader.getByText("This link is not valid.").waitFor();
    await reader.goto(linkIn(extended.mail.text, "/attest/"));
    await attest(reader);
    await reader.getByText("Initech Cloud Networking stays on the list").waitFor();
  });
});

describe("the header", () => {
  it("links each person's pages, 'My membership' for a current member's contact, rendered by the server on pages rendered per request; the pages rendered once stay the same", async () => {
    const anonymous = portal.page();
    await anonymous.goto("/apply");
    await anonymous.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }).waitFor();
    expect(await (await anonymous.request.get("/apply")).text()).toMatch(
      /<nav aria-label="Main">.*>Sign in<\/a>.*<\/nav>/s,
    );
    // The header proxy.ts hands the layout is its own, never one the request brings.
    const forged = encodeURIComponent(
      JSON.stringify({ email: "alice@security.kmesh.example", role: "OWNER", contact: true }),
    );
    const forgedNav = (
      await (await anonymous.request.get("/apply", { headers: { "x-portal-header-viewer": forged } })).text()
    ).match(/<nav aria-label="Main">.*?<\/nav>/s)?.[0];
    expect(forgedNav).toContain(">Sign in</a>");
    expect(forgedNav).not.toContain("alice@security.kmesh.example");
    expect(forgedNav).not.toContain(">Team</a>");
    const shared = {
      "/": await (await anonymous.request.get("/")).text(),
      "/policy": await (await anonymous.request.get("/policy")).text(),
    };

    const cases = [
      {
        email: "security@acme.example",
        links: ["My membership", "My applications"],
        not: ["Review", "Team", "Advisories"],
      },
      { email: "dana@umbrella.example", links: ["My applications"], not: ["My membership", "Review"] },
      {
        email: "bob@security.kmesh.example",
        links: ["Review", "Members", "Advisories"],
        not: ["Team", "Audit", "My membership"],
      },
      {
        email: "alice@security.kmesh.example",
        links: ["Review", "Members", "Advisories", "Team", "Audit"],
        not: ["My membership"],
      },
    ];
    for (const { email, links, not } of cases) {
      const page = await portal.newPage();
      await signIn(portal, page, email);
      // The pages rendered once are the same bytes for this person as for nobody; the island fills the header in.
      for (const [path, html] of Object.entries(shared))
        expect(await (await page.request.get(path)).text(), path).toBe(html);
      // A page rendered per request has the header filled in by the server: in its HTML, before any script runs.
      const nav =
        (await (await page.request.get("/apply")).text()).match(/<nav aria-label="Main">.*?<\/nav>/s)?.[0] ?? "";
      expect(nav, email).toContain(email);
      for (const label of links) expect(nav, `${email}: ${label}`).toContain(`>${label}</a>`);
      for (const label of not) expect(nav, `${email}: ${label}`).not.toContain(`>${label}</a>`);
      // So the browser does not ask the session there; it does on the pages rendered once.
      const asked: string[] = [];
      page.on("request", (request) => {
        if (new URL(request.url()).pathname === "/api/auth/session") asked.push(new URL(page.url()).pathname);
      });
      await page.goto("/apply", { waitUntil: "networkidle" });
      expect(asked, email).toEqual([]);
      await page.goto("/");
      await page.getByText(email).waitFor();
      expect(asked, email).toEqual(["/"]);
      for (const label of links)
        await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label, exact: true }).waitFor();
      for (const label of not) {
        expect(
          await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label, exact: true }).count(),
        ).toBe(0);
      }
    }
  });
});
