import ReactMarkdown, { defaultUrlTransform } from "react-markdown";
import remarkGfm from "remark-gfm";

/**
 * Markdown rendered to React elements: raw HTML is dropped, and links survive
 * only as absolute http(s) or mailto URLs, paths on this site or anchors:
 * no `javascript:`, and no protocol-relative `//host/…`, which would lead
 * off-site while looking like a path. Links carry rel="nofollow noopener noreferrer".
 */
export function Markdown({ children }: { children: string }) {
  return (
    <div className="prose-policy">
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        skipHtml
        urlTransform={safeUrl}
        components={{
          a: ({ href, children: text }) =>
            href ? (
              <a href={href} rel="nofollow noopener noreferrer">
                {text}
              </a>
            ) : (
              <span>{text}</span>
            ),
          img: () => null,
        }}
      >
        {children}
      </ReactMarkdown>
    </div>
  );
}

export function safeUrl(url: string): string {
  const cleaned = defaultUrlTransform(url.trim());
  return /^(https?:\/\/|mailto:|\/(?![/\\])|#)/i.test(cleaned) ? cleaned : "";
}
