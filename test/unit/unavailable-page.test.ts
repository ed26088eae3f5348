import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { unavailableResponse } from "@/lib/unavailable-page";

describe("the front door's 503 page", () => {
  it("allows its one style element by its hash, and no other style", () => {
    const page = unavailableResponse("database", "text/html");
    const styles = [...page.body.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(([, css = ""]) => css);
    expect(styles).toHaveLength(1);
    const policy = page.headers["content-security-policy"] ?? "";
    const hash = createHash("sha256")
      .update(styles[0] ?? "")
      .digest("base64");
    expect(policy).toContain(`style-src 'sha256-${hash}';`);
    expect(policy).not.toContain("unsafe-inline");
    expect(page.body).not.toMatch(/\sstyle=/);
  });
});
