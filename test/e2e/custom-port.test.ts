// `PORT=<port> npm run dev` with no NEXTAUTH_URL, as a newcomer starts it on
// a port that is not 3000: the mailed link and the redirect after "Sign in"
// must lead back to that port, the browser must meet no CSP refusal, and hot
// reload's WebSocket must work through the front door.
import { beforeAll, describe, expect, it } from "vitest";
import { portalFixture } from "@/test/helpers/browser";
import { linkIn } from "@/test/helpers/sign-in";

const portal = portalFixture({ mode: "dev", listen: "port-variable" });
const { page, baseUrl, mail } = portal;

// The development server compiles each route on its first request, which
// can take a minute on a small machine: ask for each one once beforehand.
beforeAll(async () => {
  for (const path of ["/signin", "/signin/link", "/signin/confirm", "/signin/confirm/continue", "/apply"]) {
    await fetch(new URL(path, baseUrl()), { redirect: "manual" }).then((response) => response.arrayBuffer());
  }
});

describe("a portal on another port, without NEXTAUTH_URL", () => {
  it("mails a link to its own port and signs in through it", { timeout: 300_000 }, async () => {
    expect(new URL(baseUrl()).port).not.toBe("3000");
    // Client code is compiled on its first request too.
    page().setDefaultTimeout(120_000);
    const refusals: string[] = [];
    page().on("console", (message) => {
      if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) refusals.push(message.text());
    });
    // Hot reload's WebSocket goes through the front door (the only upgrade it tunnels) and hears from Next.
    const hotReload = page()
      .waitForEvent("websocket", (socket) => new URL(socket.url()).pathname === "/_next/hmr")
      .then((socket) => socket.waitForEvent("framereceived").then(() => socket.url()));

    await page().goto("/signin");
    expect(new URL(await hotReload).origin.replace(/^ws/, "http")).toBe(new URL(baseUrl()).origin);
    await page().getByLabel("E-mail address").fill("dana@umbrella.example");
    await page().getByRole("button", { name: "Send me a sign-in link" }).click();
    await page().getByText("a sign-in link is on its way").waitFor();
    const message = await mail().waitFor(
      (m) => m.envelopeTo.includes("dana@umbrella.example") && /Sign in/.test(m.mail.subject ?? ""),
    );
    const link = linkIn(message.mail.text, "/signin/confirm");
    expect(new URL(link).origin).toBe(new URL(baseUrl()).origin);

    await page().goto(link);
    await page().getByRole("button", { name: "Sign in" }).click();
    await page().waitForURL((url) => url.pathname === "/apply");
    expect(new URL(page().url()).origin).toBe(new URL(baseUrl()).origin);
    // The header's signed-in part fills in after the page loads.
    await page().getByRole("button", { name: "Sign out" }).waitFor();
    expect(refusals).toEqual([]);
  });
});
