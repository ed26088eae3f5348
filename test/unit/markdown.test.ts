import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
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
