// Issue 20, item 1: the demo's Cyberdyne application named Initech's contact
// to vouch; Initech hands its contact role over before they answer. The new
// contact is asked by mail and vouches; the applicant and the reviewers see
// what happened, without the applicant learning the new contact's address.
import { describe, expect, it } from "vitest";
import { accessibilityProblems } from "@/test/helpers/axe";
import { portalFixture } from "@/test/helpers/browser";
import { linkIn, signIn } from "@/test/helpers/sign-in";

const portal = portalFixture();
const FORMER = "security@initech.example";
const NEXT = "kmesh-lead@initech.example";

describe("a vouch waiting on a contact who hands over", () => {
  it("passes to the new contact, who vouches from the mailed link", { timeout: 240_000 }, async () => {
    // Initech's contact hands over from /membership.
    const contact = portal.page();
    await signIn(portal, contact, FORMER, "/membership");
    await contact.goto("/membership");
    await contact.getByLabel("New contact's address").fill(NEXT);
    await contact.getByRole("button", { name: "Hand over" }).click();
    const invitation = await portal.mail().waitFor((m) => m.envelopeTo.includes(NEXT));
    const next = await portal.newPage();
    await next.goto(linkIn(invitation.mail.text, "/confirm-contact/"));
    await next.getByRole("button", { name: "Accept the contact role" }).click();
    await next.getByText("You accepted on").waitFor();

    // A reviewer approves the handover on the member's page.
    const reviewer = await portal.newPage();
    await signIn(portal, reviewer, "bob@security.kmesh.example");
    await reviewer.goto("/members");
    await reviewer.getByRole("link", { name: "Initech Cloud Networking" }).click();
    const request = reviewer.locator("article", { hasText: "Contact handover waiting for a decision" });
    await request.getByLabel("Approve").check();
    await request.getByRole("button", { name: "Decide" }).click();
    await reviewer.getByText(NEXT).first().waitFor();

    // The new contact is mailed the request and answers it, at a phone's width, with big choices.
    const vouchMail = await portal
      .mail()
      .waitFor((m) => m.envelopeTo.includes(NEXT) && /Will you vouch for Cyberdyne Mesh/.test(m.mail.subject ?? ""));
    expect(vouchMail.mail.text).toContain(`named ${FORMER}, then the contact of Initech Cloud Networking`);
    await next.setViewportSize({ width: 390, height: 844 });
    await next.goto(linkIn(vouchMail.mail.text, "/vouch/"));
    const yes = next.locator("label", { hasText: "Yes, I vouch for this team" });
    const box = await yes.boundingBox();
    expect(box?.height).toBeGreaterThanOrEqual(44);
    expect(box?.width).toBeGreaterThan(300);
    // Touching the row anywhere, not only the small circle, chooses it.
    await yes.click({ position: { x: (box?.width ?? 0) - 10, y: (box?.height ?? 0) / 2 } });
    expect(await next.getByLabel("Yes, I vouch for this team").isChecked()).toBe(true);
    expect(await accessibilityProblems(next)).toEqual([]);
    await next.getByRole("button", { name: "Send my answer" }).click();
    await next.getByText("You vouched for this application").waitFor();

    // The applicant is told, and their page says whom the portal asked, without the new address.
    const told = await portal
      .mail()
      .waitFor((m) => m.envelopeTo.includes("miles@cyberdyne.example") && /new contact/.test(m.mail.subject ?? ""));
    expect(told.mail.text).not.toContain(NEXT);
    const applicant = await portal.newPage();
    await signIn(portal, applicant, "miles@cyberdyne.example", "/apply");
    await applicant.goto("/apply");
    await applicant.getByRole("link", { name: "Cyberdyne Mesh" }).click();
    const vouch = applicant.locator('[data-vouch="moved"]');
    await vouch.getByText("the portal asked that new contact instead: they vouched for you").waitFor();
    expect(await applicant.content()).not.toContain(NEXT);
    expect(await accessibilityProblems(applicant)).toEqual([]);

    // The reviewers see the history: asked, moved because of the handover, confirmed.
    await reviewer.goto("/review");
    await reviewer.getByRole("link", { name: "Cyberdyne Mesh" }).click();
    await reviewer.locator('[data-vouch="MOVED"]').getByText(`moved to ${NEXT}`).waitFor();
    expect(await reviewer.locator('[data-vouch="MOVED"]').textContent()).toContain("contact handover");
    expect(await reviewer.locator('[data-vouch="CONFIRMED"]').textContent()).toContain(NEXT);
  });
});
