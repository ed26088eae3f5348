import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { Markdown } from "@/components/ui/markdown";

const render = (text: string) => renderToStaticMarkup(createElement(Markdown, null, text));

describe("Markdown from applicants", () => {
  it("drops raw HTML and scripts", () => {
    const html = render(
      `Hello <script>alert(1)</script><img src=x onerror=alert(2)> <b>bold</b>\n\n<iframe src="https://evil.example"></iframe>`,
    );
    expect(html).not.toMatch(/<script|<img|onerror|<iframe|<b>/i);
    expect(html).toContain("Hello");
  });

  it("keeps only http(s) and mailto links, opened with nofollow noopener noreferrer", () => {
    const html = render(
      "[ok](https://kmesh.net) [mail](mailto:a@b.example) [bad](javascript:alert(1)) [data](data:text/html,x) ![pic](https://evil.example/x.png)",
    );
    expect(html).toContain('<a href="https://kmesh.net" rel="nofollow noopener noreferrer">ok</a>');
    expect(html).toContain('href="mailto:a@b.example"');
    expect(html).not.toMatch(/javascript:|data:text/);
    expect(html).not.toContain("<img");
  });

  it("drops protocol-relative and backslash links, which leave the site while looking like paths", () => {
    const html = render(
      "[a](//evil.example/p) [b](/\\evil.example) [c](  //evil.example) [here](/policy) [top](#criteria)",
    );
    expect(html).not.toMatch(/href="\/\/|href="\/\\|href=""/);
    // A dropped link keeps its text, as text.
    expect(html).toContain("<span>a</span>");
    expect(html).toContain('href="/policy"');
    expect(html).toContain('href="#criteria"');
  });
});

describe("Markdown parsed once per text", () => {
  // The elements inside the wrapper: the same object when the text's parse was kept.
  const tree = (text: string) => (Markdown({ children: text }).props as { children: unknown }).children;

  it("gives each text its own elements, in production the same ones again for the same text", () => {
    const first = "**First** text, [a link](https://kmesh.net)";
    const second = "_Second_ text";
    // Not kept outside production: a development build's elements carry the request's props.
    expect(tree(first)).not.toBe(tree(first));
    vi.stubEnv("NODE_ENV", "production");
    try {
      expect(render(first)).toContain("<strong>First</strong>");
      expect(render(second)).toContain("<em>Second</em>");
      expect(render(first)).not.toContain("Second");
      expect(tree(first)).toBe(tree(first));
      expect(tree(first)).not.toBe(tree(second));
      // A long text is parsed each time.
      const long = `Long ${"y".repeat(4_001)}`;
      expect(tree(long)).not.toBe(tree(long));
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("keeps a bounded amount: after many texts the oldest is parsed again, and still right", () => {
    vi.stubEnv("NODE_ENV", "production");
    try {
      const oldest = `Oldest ${"o".repeat(100)}`;
      const kept = tree(oldest);
      expect(tree(oldest)).toBe(kept);
      // 60 texts of 4,000 characters: more than the 200,000 characters kept.
      for (let n = 0; n < 60; n++) expect(render(`Text ${n} ${"x".repeat(3_990)}`)).toContain(`Text ${n} `);
      expect(tree(oldest)).not.toBe(kept);
      expect(render(oldest)).toContain("Oldest");
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
