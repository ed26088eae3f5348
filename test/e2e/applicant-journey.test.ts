import { describe, expect, it } from "vitest";
import { loadPortalConfig } from "@/features/portal-config/load";
import { accessibilityProblems } from "@/test/helpers/axe";
import { portalFixture } from "@/test/helpers/browser";
import { linkIn, signIn } from "@/test/helpers/sign-in";

const config = loadPortalConfig("portal.config.json");
const portal = portalFixture();

// A realistic answer: several paragraphs, well over a thousand characters.
const longAnswer = (topic: string) =>
  Array.from(
    { length: 6 },
    (_, i) =>
      `${topic}, part ${i + 1}: Umbrella Mesh has shipped Kmesh-based service mesh releases since 2023 to customers in banking, telecoms and public sector, each release tracked in our public changelog with CVE references and backport notes for every supported branch.`,
  ).join("\n\n");

describe("a new vendor applies", () => {
  it("signs in from the mailed link, applies, proves each address, gets vouched for and sees 'In review'", async () => {
    const page = portal.page();
    const vendor = "security-lead@umbrella-e2e.example";
    const alias = "kmesh-security@umbrella-e2e.example";
    const psirt = "psirt@umbrella-e2e.example";
    await signIn(portal, page, vendor, "/apply");
    await page.getByRole("heading", { name: "My applications" }).waitFor();

    await page.getByRole("button", { name: "Start a new application" }).click();
    await page.getByLabel("Distribution (product) name").waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByLabel("Distribution (product) name").fill("Umbrella Mesh E2E");
    await page.getByLabel("Organisation", { exact: true }).fill("Umbrella E2E Corporation");
    await page.getByLabel("Website").fill("https://umbrella-e2e.example");
    await page.getByLabel("Your organisation's e-mail domains").fill("umbrella-e2e.example");
    await page.getByLabel("Addresses to subscribe to the list").fill(`${alias}\n${psirt}`);
    await page.getByLabel("Security alias").fill(alias);
    for (const criterion of config.criteria) {
      const section = page.getByRole("region", { name: criterion.title });
      if (criterion.kind === "evidence") {
        await section.getByLabel("Your answer").fill(longAnswer(criterion.title));
        await section
          .getByLabel("Evidence links")
          .fill("https://umbrella-e2e.example/security/advisories\nhttps://github.com/kmesh-net/kmesh/pulls");
      }
      if (criterion.kind === "acceptance")
        await section.getByLabel("I accept this on behalf of my organisation.").check();
    }
    await page.getByLabel("Contact address of the member who vouches for you").fill("security@acme.example");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText(`We mailed a confirmation link to your security alias and ${psirt}.`).waitFor();

    // Someone reading the alias confirms it, in their own browser.
    const aliasMail = await portal.mail().waitFor((m) => m.envelopeTo.includes(alias));
    const aliasOwner = await portal.newPage();
    await aliasOwner.goto(linkIn(aliasMail.mail.text, "/verify-alias/"));
    await aliasOwner.getByRole("button", { name: `Confirm ${alias}` }).click();
    await aliasOwner.getByText(`${alias} was confirmed on`).waitFor();

    await page.getByRole("button", { name: "Submit application" }).click();
    await page.getByText("Application submitted.").waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(await page.locator("[data-state]").textContent()).toBe("Submitted");
    // Each address with its own state: the alias confirmed, the PSIRT address still waiting for its reader.
    await page.getByText(`${alias} confirmed on`).waitFor();
    await page.getByText(`A confirmation link was mailed to ${psirt}`).waitFor();

    // The voucher answers from their own mail.
    const vouchMail = await portal.mail().waitFor((m) => m.envelopeTo.includes("security@acme.example"));
    const voucher = await portal.newPage();
    await voucher.goto(linkIn(vouchMail.mail.text, "/vouch/"));
    expect(await voucher.getByText("Umbrella Mesh has shipped Kmesh-based").count()).toBeGreaterThan(0);
    await voucher.getByLabel("Yes, I vouch for this team").check();
    await voucher
      .getByLabel("Comment for the security team (optional)")
      .fill("We have worked with their team upstream since 2024.");
    await voucher.getByRole("button", { name: "Send my answer" }).click();
    await voucher.getByText("You vouched for this application").waitFor();

    // Vouched for, but an address is not confirmed yet: not in review.
    await page.reload();
    expect(await page.locator("[data-state]").textContent()).toBe("Submitted");

    // Someone reading the PSIRT address confirms it from its own mail: a GET shows the page, the button confirms.
    const psirtMail = await portal.mail().waitFor((m) => m.envelopeTo.includes(psirt));
    expect(psirtMail.mail.subject).toBe("Confirm this address for the Kmesh distributors list");
    const psirtReader = await portal.newPage();
    await psirtReader.goto(linkIn(psirtMail.mail.text, "/verify-alias/"));
    await psirtReader.getByText("as an address to subscribe to the list").waitFor();
    await psirtReader.getByRole("button", { name: `Confirm ${psirt}` }).click();
    await psirtReader.getByText(`${psirt} was confirmed on`).waitFor();

    await page.reload();
    expect(await page.locator("[data-state]").textContent()).toBe("In review");
    await page.getByText("Voucher confirmed").waitFor();
    await page.getByText("Security alias verified").waitFor();
    await page.getByText("Address to subscribe confirmed").waitFor();
  });

  it("shows errors beside the fields, keeping what was typed, and keeps a draft across a reload", async () => {
    const page = portal.page();
    await signIn(portal, page, "someone@initech-e2e.example", "/apply");
    await page.getByRole("heading", { name: "My applications" }).waitFor();
    await page.getByRole("button", { name: "Start a new application" }).click();
    const name = page.getByLabel("Distribution (product) name");
    await name.waitFor();
    await name.fill("Initech Edge");
    await page.getByLabel("Website").fill("not a web address");
    const firstAnswer = page.getByRole("region", { name: config.criteria[1]?.title ?? "" }).getByLabel("Your answer");
    await firstAnswer.fill("Too short");
    await page.getByRole("button", { name: "Submit application" }).click();

    await page.getByText("Complete the fields marked below").first().waitFor();
    const website = page.getByLabel("Website");
    expect(await website.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await website.getAttribute("aria-describedby")) ?? "";
    expect(await page.locator(`#${describedBy.split(" ").at(-1)}`).textContent()).toBe(
      "Enter a web address starting with https://",
    );
    expect(await firstAnswer.getAttribute("aria-invalid")).toBe("true");
    expect(await website.inputValue()).toBe("not a web address");
    expect(await name.inputValue()).toBe("Initech Edge");
    expect(await firstAnswer.inputValue()).toBe("Too short");

    // The server says the same when the browser's check is bypassed.
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText("Draft saved.").waitFor();
    await page.reload();
    expect(await page.getByLabel("Website").inputValue()).toBe("not a web address");
    expect(await page.getByLabel("Distribution (product) name").inputValue()).toBe("Initech Edge");

    await page.getByLabel("Organisation", { exact: true }).fill("Initech typed just now");
    await page.getByText(/Draft saved automatically at/).waitFor();
    await page.reload();
    expect(await page.getByLabel("Organisation", { exact: true }).inputValue()).toBe("Initech typed just now");
  });
});
