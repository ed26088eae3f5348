import { describe, expect, it } from "vitest";
import { reattestedCriteria } from "@/features/attestations/schema";
import { loadPortalConfig } from "@/features/portal-config/load";
import { accessibilityProblems } from "@/test/helpers/axe";
import { portalFixture } from "@/test/helpers/browser";
import { linkIn, signIn } from "@/test/helpers/sign-in";

const config = loadPortalConfig("portal.config.json");
const portal = portalFixture();

describe("the member list after approval", () => {
  it("a contact requests an address change, the new address confirms it, a reviewer approves it", async () => {
    const contact = portal.page();
    await signIn(portal, contact, "security@initech.example", "/membership");
    await contact.goto("/membership");
    await contact.getByRole("heading", { name: "Initech Cloud Networking" }).waitFor();
    expect(await accessibilityProblems(contact)).toEqual([]);
    await contact.getByLabel("Addresses to add").fill("kmesh-alerts@initech.example");
    await contact.getByLabel("Why").fill("Alerts go to the new on-call alias from now on.");
    await contact.getByRole("button", { name: "Request the change" }).click();
    await contact.getByText("We mailed a confirmation link to each new address").waitFor();

    const confirmation = await portal.mail().waitFor((m) => m.envelopeTo.includes("kmesh-alerts@initech.example"));
    const reader = await portal.newPage();
    await reader.goto(linkIn(confirmation.mail.text, "/confirm-address/"));
    await reader.getByRole("button", { name: "Confirm kmesh-alerts@initech.example" }).click();
    await reader.getByText("kmesh-alerts@initech.example was confirmed on").waitFor();

    const reviewer = await portal.newPage();
    await signIn(portal, reviewer, "bob@security.kmesh.example");
    await reviewer.goto("/members");
    await reviewer.getByRole("link", { name: "Initech Cloud Networking" }).click();
    await reviewer.getByRole("heading", { name: "Address change waiting for a decision" }).waitFor();
    expect(await accessibilityProblems(reviewer)).toEqual([]);
    const request = reviewer.locator("article", { hasText: "kmesh-alerts@initech.example" });
    await request.getByLabel("Approve").check();
    await request.getByRole("button", { name: "Decide" }).click();
    await reviewer.getByText("Address change approved: the addresses changed").waitFor();
    await reviewer.goto("/members?q=kmesh-alerts%40initech.example");
    await reviewer.locator('[data-member="Initech Cloud Networking"]').waitFor();
    const decided = await portal
      .mail()
      .waitFor((m) => m.envelopeTo.includes("security@initech.example") && /approved/.test(m.mail.subject ?? ""));
    expect(decided.mail.text).toContain("Added: kmesh-alerts@initech.example");
  });

  it("the team finds a member by part of an address, a domain or a name, and `%` matches nothing", async () => {
    const reviewer = portal.page();
    await signIn(portal, reviewer, "bob@security.kmesh.example");
    const search = async (q: string) => {
      await reviewer.goto("/members");
      await reviewer.getByLabel("Search").fill(q);
      await reviewer.getByRole("button", { name: "Filter" }).click();
      await reviewer.waitForURL(/[?&]q=/);
      return reviewer
        .locator("[data-member]")
        .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-member")));
    };
    expect(await search("mesh-oncall")).toEqual(["Globex Service Mesh"]);
    expect(await search("GLOBEX.example")).toEqual(["Globex Service Mesh"]);
    expect(await search("security@acme")).toEqual(["Acme Mesh"]);
    expect(await search("cloud netw")).toEqual(["Initech Cloud Networking"]);
    expect(await search("%")).toEqual([]);
    await reviewer.getByText("Nothing matches.").waitFor();
    await search("globex");
    expect(await accessibilityProblems(reviewer)).toEqual([]);
  });

  it("an owner removes a member with a reason; the contact is mailed it and the member leaves the list", async () => {
    const owner = portal.page();
    await signIn(portal, owner, "alice@security.kmesh.example");
    await owner.goto("/members");
    await owner.getByRole("link", { name: "Acme Mesh" }).click();
    await owner.getByRole("heading", { name: "Remove (owners)" }).waitFor();
    await owner.getByLabel("Reason", { exact: true }).selectOption("EMBARGO_BREACH");
    await owner.getByLabel("Message to the contact").fill("A fix was announced on your blog before the embargo ended.");
    // The form says what will happen, and asks for a confirmation before it removes anything.
    const consequences = owner.locator("[data-removal-consequences]");
    expect(await consequences.textContent()).toContain("kmesh-security@acme.example");
    expect(await consequences.textContent()).toContain("security@acme.example, is mailed the removal notice");
    expect(await accessibilityProblems(owner)).toEqual([]);
    await owner.getByRole("button", { name: "Remove from the list" }).click();
    const confirm = owner.getByLabel("Yes, remove Acme Mesh from the list");
    expect(await confirm.evaluate((box: HTMLInputElement) => box.validity.valueMissing)).toBe(true);
    await owner.reload();
    expect(await owner.locator("[data-status]").first().textContent()).not.toBe("Removed");
    await owner.getByLabel("Reason", { exact: true }).selectOption("EMBARGO_BREACH");
    await owner.getByLabel("Message to the contact").fill("A fix was announced on your blog before the embargo ended.");
    await confirm.check();
    await owner.getByRole("button", { name: "Remove from the list" }).click();
    await owner.getByText("Removed: its addresses are off the list").waitFor();
    await owner.reload();
    expect(await owner.locator("[data-status]").first().textContent()).toBe("Removed");
    expect(await accessibilityProblems(owner)).toEqual([]);
    const notice = await portal
      .mail()
      .waitFor((m) => m.envelopeTo.includes("security@acme.example") && /removed/.test(m.mail.subject ?? ""));
    expect(notice.mail.text).toContain("a breach of the embargo policy");
    expect(notice.mail.text).toContain("before the embargo ended");
    await owner.goto("/members?status=ACTIVE");
    expect(await owner.locator('[data-member="Acme Mesh"]').count()).toBe(0);
  });

  it("a contact answers this year's re-attestation from the mailed link", async () => {
    const request = await portal
      .mail()
      .waitFor(
        (m) => m.envelopeTo.includes("psirt@globex.example") && /Confirm Globex/.test(m.mail.subject ?? ""),
        60_000,
      );
    const contact = portal.page();
    await contact.goto(linkIn(request.mail.text, "/attest/"));
    await contact.getByRole("heading", { name: "Confirm Globex Service Mesh's membership" }).waitFor();
    await contact.getByText("Unchanged since you last accepted it.").first().waitFor();
    expect(await accessibilityProblems(contact)).toEqual([]);
    await contact.getByRole("button", { name: "Send our confirmation" }).click();
    await contact.getByText("Accept the current policy to stay on the list").waitFor();
    for (const criterion of reattestedCriteria(config.criteria)) await contact.getByLabel(criterion.title).check();
    // The vouch and the acceptances are not asked again: the policy is accepted once, below.
    for (const criterion of config.criteria.filter((item) => item.kind === "vouch" || item.kind === "acceptance")) {
      expect(await contact.getByLabel(criterion.title).count()).toBe(0);
    }
    await contact.getByLabel("We accept the current embargo policy").check();
    await contact.getByRole("button", { name: "Send our confirmation" }).click();
    await contact.getByText("Globex Service Mesh stays on the list").waitFor();

    const owner = await portal.newPage();
    await signIn(portal, owner, "alice@security.kmesh.example");
    await owner.goto("/members/attestations");
    expect(await owner.locator('[data-attestation="Globex Service Mesh"]').textContent()).toContain("Confirmed");
    expect(await accessibilityProblems(owner)).toEqual([]);
  });
});
