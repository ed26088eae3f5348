// Longer than 250 lines: one advisory's whole life, step by step, in the order it happens.
// Issue 22: an advisory's whole life in Chromium, against the built portal and
// its demo members (Acme: 1 address, Globex: 2, Initech: 1), with the mails
// read from the real SMTP server on loopback. The owner drafts, uploads a
// patch and sends; Globex's contact opens its mailed link, acknowledges and
// reports "works"; the date moves (revision 2) and Globex acknowledges again;
// Acme reports a leak and the team is mailed; the release notice goes; the
// date passes and the owner publishes; a signed-out browser reads the public
// page and downloads the OSV file.
//
// With ADVISORY_SHOTS_DIR set, the draft form, the team's page, the
// recipient's page and the public page are also saved as PNGs at 1280 and
// 390 px wide, to be looked at.
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { accessibilityProblems } from "@/test/helpers/axe";
import { portalFixture } from "@/test/helpers/browser";
import { linkIn, signIn } from "@/test/helpers/sign-in";
import type { ReceivedMail } from "@/test/helpers/smtp";

const portal = portalFixture();

const OWNER = "alice@security.kmesh.example";
const TEAM = [OWNER, "bob@security.kmesh.example", "carol@reviewers.example"];
const RECIPIENTS = [
  "kmesh-security@acme.example",
  "mesh-oncall@globex.example",
  "product-security@initech.example",
  "psirt@globex.example",
];
const CVE = "CVE-2026-55501";
const TITLE = "Request smuggling through the ztunnel HBONE upgrade";
const SECRET = "A second CONNECT on the same HBONE stream is forwarded without its policy check.";
const PATCH = "--- a/src/hbone.rs\n+++ b/src/hbone.rs\n@@ -1 +1 @@\n-forward(stream)\n+check(stream)?;\n";
const DAY_MS = 24 * 60 * 60 * 1000;

/** `YYYY-MM-DDTHH:MM` in UTC, as the forms' date fields take it. */
const utcMinute = (date: Date) => date.toISOString().slice(0, 16);

/** Errors the page logs to its console or throws (a hydration mismatch shows as one). */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`${new URL(page.url()).pathname}: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`${new URL(page.url()).pathname}: ${error.message}`));
  return errors;
}

/** With ADVISORY_SHOTS_DIR set: the whole page at a desktop's and a phone's width. */
async function shoot(page: Page, name: string) {
  const dir = process.env.ADVISORY_SHOTS_DIR;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  const before = page.viewportSize();
  for (const [label, width] of [
    ["desktop", 1280],
    ["phone", 390],
  ] as const) {
    await page.setViewportSize({ width, height: label === "phone" ? 844 : 900 });
    await page.screenshot({ path: path.join(dir, `${name}-${label}.png`), fullPage: true });
    // A phone's long page is also kept in screen-sized parts, to be read at full size.
    if (label === "phone") {
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      for (let top = 0, part = 1; top < height; top += 1200, part++) {
        await page.screenshot({
          path: path.join(dir, `${name}-phone-${part}.png`),
          fullPage: true,
          clip: { x: 0, y: top, width, height: Math.min(1200, height - top) },
        });
      }
    }
  }
  if (before) await page.setViewportSize(before);
}

/** The mail to `address` whose subject matches, arrived after `since` messages. */
function mailTo(address: string, subject: RegExp, since = 0): Promise<ReceivedMail> {
  return portal
    .mail()
    .waitFor(
      (m) =>
        portal.mail().messages.indexOf(m) >= since &&
        m.envelopeTo.includes(address) &&
        subject.test(m.mail.subject ?? ""),
      30_000,
    );
}

describe("an advisory from draft to disclosure", () => {
  it("is drafted, sent, read, acknowledged twice, reported on, leaked, released and disclosed", {
    timeout: 300_000,
  }, async () => {
    const owner = portal.page();
    const ownerErrors = consoleErrors(owner);
    await signIn(portal, owner, OWNER);

    // The draft, through the form.
    await owner.goto("/advisories");
    await owner.getByRole("link", { name: "New advisory" }).click();
    await owner.getByRole("heading", { name: "New advisory" }).waitFor();
    const disclosure = new Date(Math.ceil((Date.now() + 10 * DAY_MS) / 60_000) * 60_000);
    await owner.getByLabel("Title").fill(TITLE);
    await owner.getByLabel("CVE ids").fill(CVE);
    await owner.getByLabel("Severity (CVSS vector)").fill("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    await owner.getByText("CVSS 3.1: 9.8 (Critical)").waitFor();
    await owner.getByLabel("Affected versions").fill("1.26.0 to 1.26.3\n1.27.0");
    await owner.getByLabel("Fixed versions").fill("1.26.4\n1.27.1");
    await owner.getByLabel("Description").fill(`${SECRET}\n\nFound by the team while fuzzing.`);
    await owner.getByLabel("Mitigations").fill("Deny `CONNECT` on port 15008 from outside the mesh.");
    await owner.getByLabel("Patches (links)").fill("https://github.com/kmesh-net/kmesh/pull/9999");
    await owner
      .getByLabel("Rules of use: you may", { exact: true })
      .fill("build patched binaries\ntest them on staging clusters");
    await owner.getByLabel("Rules of use: you may not").fill("publish patched binaries\ntalk about it in public");
    await owner.getByLabel("Planned public disclosure (UTC)").fill(utcMinute(disclosure));
    await owner.getByText("Your local time:").waitFor();
    expect(await owner.getByText(/emergency reason, shown to recipients/).count()).toBe(0);
    expect(await accessibilityProblems(owner)).toEqual([]);
    await shoot(owner, "draft-form");
    await owner.getByRole("button", { name: "Create the draft" }).click();
    await owner.waitForURL((url) => /^\/advisories\/(?!new$)[^/]+$/.test(url.pathname));
    const advisoryId = new URL(owner.url()).pathname.split("/").pop() as string;
    await owner.getByText("Draft", { exact: true }).waitFor();

    // A patch file, on the edit page.
    await owner.getByRole("link", { name: "Edit" }).click();
    await owner.getByRole("heading", { name: "Edit advisory" }).waitFor();
    await owner.getByLabel("Patch file", { exact: true }).setInputFiles({
      name: "hbone-connect.patch",
      mimeType: "text/x-patch",
      buffer: Buffer.from(PATCH),
    });
    await owner.getByRole("button", { name: "Upload" }).click();
    await owner.getByText(/Patch added \(SHA-256 [0-9a-f]{64}\)/).waitFor();
    await owner.getByRole("link", { name: "hbone-connect.patch" }).waitFor();

    // Sent from the advisory's page: one mail per listed address.
    await owner.goto(`/advisories/${advisoryId}`);
    expect(await owner.getByRole("link", { name: "hbone-connect.patch" }).getAttribute("href")).toMatch(
      new RegExp(`/advisories/${advisoryId}/patches/`),
    );
    const beforeSend = portal.mail().messages.length;
    await owner.getByRole("button", { name: "Send to 4 address(es) of 3 member(s)" }).click();
    await owner.getByText("Sent, under embargo · revision 1").waitFor();
    const subject = new RegExp(`^\\[EMBARGOED\\] ${CVE}: ${TITLE}$`);
    const sent = await Promise.all(RECIPIENTS.map((address) => mailTo(address, subject, beforeSend)));
    for (const [index, mail] of sent.entries()) expect(mail.envelopeTo).toEqual([RECIPIENTS[index]]);
    const links = sent.map((mail) => linkIn(mail.mail.text, "/advisories/read/"));
    expect(new Set(links).size).toBe(RECIPIENTS.length);
    // Only the link: the full text is for those who open it.
    for (const mail of sent) expect(mail.mail.text).not.toContain(SECRET);
    const matrix = owner.getByRole("region", { name: "Who has it" });
    await matrix.getByText(/^3 notified \(4 addresses\)/).waitFor();

    // Globex's on-call address opens its link (a link never signs in a member's contact, psirt@ here): the GET
    // shows a button and nothing of the advisory.
    const globex = await portal.newPage();
    const globexErrors = consoleErrors(globex);
    await globex.goto(links[RECIPIENTS.indexOf("mesh-oncall@globex.example")] as string);
    await globex.getByRole("heading", { name: "Embargoed advisory" }).waitFor();
    expect(await globex.content()).not.toContain(TITLE);
    expect(await accessibilityProblems(globex)).toEqual([]);
    await globex.getByRole("button", { name: "Open the advisory" }).click();
    await globex.waitForURL(`**/advisories/${advisoryId}`);
    await globex.getByRole("heading", { name: TITLE }).waitFor();
    await globex.getByText(SECRET).waitFor();
    // Signed in as the address.
    await globex.getByText("mesh-oncall@globex.example").first().waitFor();
    await globex.getByRole("button", { name: "Acknowledge receipt and the rules of use of revision 1" }).click();
    await globex.getByText(/Revision 1 was acknowledged by mesh-oncall@globex\.example/).waitFor();
    await globex.getByLabel("What you found").selectOption({ label: "Patch tested: works" });
    await globex.getByLabel("Affected version").selectOption("1.27.0");
    await globex.getByLabel("Details (Markdown)").fill("Built 1.27.0 with the patch; our HBONE tests pass.");
    await globex.getByLabel("Share this report with every recipient").check();
    await globex.getByRole("button", { name: "File the report" }).click();
    await globex.getByText("Report filed. Thank you for telling the team.").waitFor();
    await globex.getByText(/Patch tested: works \(1\.27\.0\), revision 1/).waitFor();
    expect(await accessibilityProblems(globex)).toEqual([]);

    // The team's matrix.
    await owner.reload();
    const globexRow = matrix.locator('[data-matrix-member="Globex Service Mesh"]');
    await globexRow.locator("[data-ack]").getByText("revision 1", { exact: true }).waitFor();
    await globexRow.getByText("works (1.27.0)").waitFor();
    expect(await matrix.locator('[data-matrix-member="Initech Cloud Networking"]').textContent()).toContain(
      "not acknowledged",
    );
    expect(await accessibilityProblems(owner)).toEqual([]);

    // The date moves out: revision 2, mailed with the reason; Globex acknowledges again.
    const later = new Date(disclosure.getTime() + 2 * DAY_MS);
    await owner.getByRole("link", { name: "Edit (makes a new revision)" }).click();
    await owner.getByLabel("Planned public disclosure (UTC)").fill(utcMinute(later));
    await owner.getByLabel("Why it changes").fill("Two members asked for more time to test the patch.");
    const beforeRevision = portal.mail().messages.length;
    await owner.getByRole("button", { name: "Send the new revision" }).click();
    await owner.getByText("Sent, under embargo · revision 2").waitFor();
    const revised = await mailTo("mesh-oncall@globex.example", /\(revision 2\)$/, beforeRevision);
    expect(revised.envelopeTo).toEqual(["mesh-oncall@globex.example"]);
    expect(revised.mail.text).toContain("Two members asked for more time");
    await globexRow.locator("[data-ack]").getByText("revision 1 of 2").waitFor();

    await globex.reload();
    await globex.getByRole("button", { name: "You acknowledged revision 1 of 2 — acknowledge revision 2" }).click();
    await globex.getByText(/Revision 2 was acknowledged by mesh-oncall@globex\.example/).waitFor();
    await shoot(globex, "recipient-page");
    await owner.reload();
    await globexRow.locator("[data-ack]").getByText("revision 2", { exact: true }).waitFor();
    await matrix.getByText(/1 acknowledged revision 2 \(1 any revision\)/).waitFor();

    // Acme's address reports a leak; every team member is mailed at once.
    const acme = await portal.newPage();
    const acmeErrors = consoleErrors(acme);
    await acme.goto(links[RECIPIENTS.indexOf("kmesh-security@acme.example")] as string);
    await acme.getByRole("button", { name: "Open the advisory" }).click();
    await acme.getByRole("heading", { name: TITLE }).waitFor();
    await acme.getByLabel("What exactly leaked?").fill("The CVE id and the title, in a build log.");
    await acme.getByLabel("To whom?").fill("Our public CI's log readers.");
    await acme.getByLabel("When?").fill("This morning, for about an hour.");
    await acme.getByLabel("What will you do to prevent it?").fill("Embargoed builds run on the private CI only.");
    const beforeLeak = portal.mail().messages.length;
    await acme.getByRole("button", { name: "Report the leak to the security team" }).click();
    await acme.getByText("Leak reported. The security team has been mailed.").waitFor();
    const told = await Promise.all(TEAM.map((email) => mailTo(email, /Leak reported: Acme Mesh$/, beforeLeak)));
    for (const mail of told) {
      expect(mail.envelopeTo).toHaveLength(1);
      expect(linkIn(mail.mail.text, `/advisories/${advisoryId}`)).toBeTruthy();
      expect(mail.mail.text).not.toContain("build log");
    }
    await owner.reload();
    await owner.getByRole("heading", { name: /Leak reported by Acme Mesh \(kmesh-security@acme\.example\)/ }).waitFor();
    await matrix.locator('[data-matrix-member="Acme Mesh"]').getByText("1 leak report").waitFor();
    await shoot(owner, "team-page");

    // The release notice: the public messaging and the date confirmed, mailed to every recipient.
    const beforeNotice = portal.mail().messages.length;
    await owner.getByLabel("The public messaging (Markdown)").fill(`${CVE} is fixed in 1.26.4 and 1.27.1.`);
    expect(await owner.getByLabel("Release date and time (UTC)").inputValue()).toBe(utcMinute(later));
    await owner.getByRole("button", { name: "Send the release notice" }).click();
    await owner.getByText("The public messaging sent").waitFor();
    const notices = await Promise.all(RECIPIENTS.map((address) => mailTo(address, /— release notice$/, beforeNotice)));
    for (const [index, mail] of notices.entries()) expect(mail.envelopeTo).toEqual([RECIPIENTS[index]]);

    // The date comes. Nobody waits twelve days in a test: the disclosure time is
    // moved into the past directly in the portal's database, as only the clock would.
    const client = new pg.Client({ connectionString: portal.databaseUrl() });
    await client.connect();
    try {
      const moved = await client.query(
        `UPDATE "Advisory" SET "disclosureAt" = now() - interval '1 minute' WHERE id = $1`,
        [advisoryId],
      );
      expect(moved.rowCount).toBe(1);
    } finally {
      await client.end();
    }
    await owner.reload();
    const beforePublic = portal.mail().messages.length;
    await owner.getByRole("button", { name: "Make it public now" }).click();
    await owner.getByText(/^Public since/).waitFor();
    const over = await Promise.all(RECIPIENTS.map((address) => mailTo(address, /the embargo is over$/, beforePublic)));
    for (const [index, mail] of over.entries()) expect(mail.envelopeTo).toEqual([RECIPIENTS[index]]);

    // Anyone, signed out, reads the public page and downloads the OSV file.
    const reader = await portal.newPage();
    const readerErrors = consoleErrors(reader);
    await reader.goto("/advisories/public");
    await reader.getByRole("link", { name: TITLE }).click();
    await reader.waitForURL(`**/advisories/public/${advisoryId}`);
    await reader.getByRole("heading", { name: TITLE }).waitFor();
    await reader.getByText(SECRET).waitFor();
    await reader.getByText(`${CVE} is fixed in 1.26.4 and 1.27.1.`).waitFor();
    const publicHtml = await reader.content();
    for (const hidden of [
      "hbone-connect.patch",
      "build patched binaries",
      "kmesh-security@acme.example",
      "Built 1.27.0",
    ])
      expect(publicHtml).not.toContain(hidden);
    expect(await accessibilityProblems(reader)).toEqual([]);
    await shoot(reader, "public-page");
    const [download] = await Promise.all([
      reader.waitForEvent("download"),
      reader.getByRole("link", { name: "Download as OSV (JSON)" }).click(),
    ]);
    const osv = JSON.parse(await readFile((await download.path()) as string, "utf8"));
    expect(osv).toMatchObject({
      // The first CVE id is the document's id; the others and the GHSA ids would be its aliases.
      id: CVE,
      summary: TITLE,
      severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
    });
    expect(osv.details).toContain(SECRET);
    expect(typeof osv.published).toBe("string");
    expect(typeof osv.modified).toBe("string");
    expect(osv.affected[0].versions).toEqual(["1.26.0 to 1.26.3", "1.27.0"]);
    expect(osv.references).toContainEqual({ type: "FIX", url: "https://github.com/kmesh-net/kmesh/pull/9999" });

    // The recipient still reads the advisory, now public, and nothing asks it to acknowledge.
    await globex.reload();
    await globex.getByRole("heading", { name: TITLE }).waitFor();
    expect(await globex.getByRole("button", { name: /acknowledge/i }).count()).toBe(0);

    expect([...ownerErrors, ...globexErrors, ...acmeErrors, ...readerErrors]).toEqual([]);
  });
});
