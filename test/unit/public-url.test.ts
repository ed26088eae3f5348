import { describe, expect, it } from "vitest";
import { listeningUrl, publicUrlWarning } from "@/lib/public-url";

describe("the address the portal listens on", () => {
  it("spells the default and wildcard hosts localhost, and any other host as given", () => {
    expect(listeningUrl({ host: undefined, port: 3100 })).toBe("http://localhost:3100");
    expect(listeningUrl({ host: "::", port: 3100 })).toBe("http://localhost:3100");
    expect(listeningUrl({ host: "0.0.0.0", port: 80 })).toBe("http://localhost:80");
    expect(listeningUrl({ host: "127.0.0.1", port: 3100 })).toBe("http://127.0.0.1:3100");
    expect(listeningUrl({ host: "::1", port: 3100 })).toBe("http://[::1]:3100");
    expect(listeningUrl({ host: "Portal.Lan", port: 3100 })).toBe("http://portal.lan:3100");
  });
});

describe("a NEXTAUTH_URL that does not lead to the portal", () => {
  it("is warned about in one line naming both origins when it names this machine on another port", () => {
    const warning = publicUrlWarning("http://localhost:3000/", { host: undefined, port: 3100 });
    expect(warning).toBe(
      "warning: NEXTAUTH_URL is http://localhost:3000 but the portal listens on http://localhost:3100; mailed links and sign-in lead to NEXTAUTH_URL (outside production, leave it unset to follow the port)",
    );
    expect(warning).not.toContain("\n");
    expect(publicUrlWarning("http://127.0.0.1:3000", { host: "127.0.0.1", port: 3100 })).toMatch(
      /NEXTAUTH_URL is http:\/\/127\.0\.0\.1:3000 but the portal listens on http:\/\/127\.0\.0\.1:3100/,
    );
    expect(publicUrlWarning("http://192.0.2.5:3000", { host: "192.0.2.5", port: 3100 })).not.toBeNull();
  });

  it("is warned about for https on the portal's plain-HTTP port, and for a loopback name it does not listen on", () => {
    expect(publicUrlWarning("https://localhost:3000", { host: undefined, port: 3000 })).toMatch(
      /NEXTAUTH_URL is https:\/\/localhost:3000 but the portal listens on http:\/\/localhost:3000/,
    );
    expect(publicUrlWarning("http://localhost:3000", { host: "192.0.2.5", port: 3000 })).not.toBeNull();
  });

  it("is not warned about when it reaches the portal, or names another host (a reverse proxy in front)", () => {
    expect(publicUrlWarning("http://localhost:3100", { host: undefined, port: 3100 })).toBeNull();
    expect(publicUrlWarning("http://127.0.0.1:3100/", { host: undefined, port: 3100 })).toBeNull();
    expect(publicUrlWarning("http://[::1]:3100", { host: "::", port: 3100 })).toBeNull();
    expect(publicUrlWarning("http://127.0.0.1:3100", { host: "127.0.0.1", port: 3100 })).toBeNull();
    expect(publicUrlWarning("http://localhost", { host: "0.0.0.0", port: 80 })).toBeNull();
    expect(publicUrlWarning("https://portal.example.org", { host: "::", port: 3000 })).toBeNull();
  });
});
