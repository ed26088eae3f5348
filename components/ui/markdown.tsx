import ReactMarkdown, { defaultUrlTransform } from "react-markdown";
import remarkGfm from "remark-gfm";

/**
 * Markdown rendered to React elements: raw HTML is dropped, and only http(s),
 * mailto and relative links survive (no `javascript:`); links open with
 * rel="noopener noreferrer".
 */
export function Markdown({ children }: { children: string }) {
  return (
    <div className="prose-policy">
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        skipHtml
        urlTransform={safeUrl}
        components={{
          a: ({ href, children: text }) => (
            <a href={href} rel="noopener noreferrer nofollow">
              {text}
            </a>
          ),
          img: () => null,
        }}
      >
        {children}
      </ReactMarkdown>
    </div>
  );
}

function safeUrl(url: string): string {
  const cleaned = defaultUrlTransform(url);
  return /^(https?:|mailto:|\/|#)/i.test(cleaned) ? cleaned : "";
}
