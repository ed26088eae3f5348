import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { accessibilityProblems } from "@/test/helpers/axe";
import { portalFixture } from "@/test/helpers/browser";
import { signIn } from "@/test/helpers/sign-in";

const portal = portalFixture();

async function download(page: Page, name: string | RegExp): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name }).click()]);
  const saved = await file.path();
  return readFile(saved, "utf8");
}

describe("exporting the member list", () => {
  it("an owner exports, marks it applied, removes a member, sees the removal in the Google Groups diff and downloads the CSV", async () => {
    const owner = portal.page();
    await signIn(portal, owner, "alice@security.kmesh.example");
    await owner.goto("/members/export");
    await owner.getByRole("heading", { name: "Export the member list" }).waitFor();
    await owner.getByText("No Google Groups (CSV) export is marked applied to the list yet").waitFor();
    expect(await accessibilityProblems(owner)).toEqual([]);

    const first = await download(owner, "Download the Google Groups (CSV) file");
    expect(first.split("\n")[0]).toBe("Group Email [Required],Member Email,Member Type,Member Role");
    expect(first).toContain(",kmesh-security@acme.example,USER,MEMBER");
    await owner.reload();
    // Downloading is not applying: every address is still to be added until the export is marked applied.
    await owner.getByText("No Google Groups (CSV) export is marked applied to the list yet").waitFor();
    await owner.getByRole("button", { name: "Mark applied to the list" }).click();
    // The row now says when; the diff starts from it.
    await owner.getByText(/marked applied to the list: 0 added, 0 removed/).waitFor();
    expect(await owner.getByRole("button", { name: "Mark applied to the list" }).count()).toBe(0);

    await owner.goto("/members");
    await owner.getByRole("link", { name: "Acme Mesh" }).click();
    await owner.getByLabel("Reason", { exact: true }).selectOption("EMBARGO_BREACH");
    await owner.getByLabel("Message to the contact").fill("A fix was announced before the embargo ended.");
    await owner.getByLabel("Yes, remove Acme Mesh from the list").check();
    await owner.getByRole("button", { name: "Remove from the list" }).click();
    await owner.getByText("Removed: its addresses are off the list").waitFor();

    await owner.goto("/members/export?format=google-groups");
    await owner.getByText(/marked applied to the list: 0 added, \d+ removed/).waitFor();
    const removed = owner.locator('[data-changes="removed"] [data-address="kmesh-security@acme.example"]');
    await removed.waitFor();
    expect(await removed.textContent()).toContain("Member removed: a breach of the embargo policy");
    expect(await accessibilityProblems(owner)).toEqual([]);

    const changes = await download(owner, "Download the changes as text");
    expect(changes).toMatch(
      /^- kmesh-security@acme\.example\tAcme Mesh\tMember removed: a breach of the embargo policy\t/m,
    );
    const csv = await download(owner, "Download the Google Groups (CSV) file");
    expect(csv.split("\n")[0]).toBe("Group Email [Required],Member Email,Member Type,Member Role");
    expect(csv).not.toContain("acme.example");
    expect(csv.trimEnd().split("\n").length).toBe(first.trimEnd().split("\n").length - 1);
    // The download is not the list: until it is marked applied, the removal is still to be made there.
    await owner.reload();
    await owner.getByText(/marked applied to the list: 0 added, \d+ removed/).waitFor();
    await removed.waitFor();
  });

  it("is not there for a reviewer: the page and the route answer as for an unknown address", async () => {
    const reviewer = portal.page();
    await signIn(portal, reviewer, "bob@security.kmesh.example");
    const page = await reviewer.goto("/members/export");
    expect(page?.status()).toBe(404);
    const route = await reviewer.request.get("/api/exports/members?format=json");
    expect(route.status()).toBe(404);
    const anonymous = await portal.newPage();
    const outsider = await anonymous.request.get("/api/exports/members?format=json");
    expect(outsider.status()).toBe(401);
  });
});
