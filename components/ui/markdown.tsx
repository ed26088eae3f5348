import type { ReactNode } from "react";
import ReactMarkdown, { defaultUrlTransform, type Options } from "react-markdown";
import remarkGfm from "remark-gfm";

const OPTIONS: Readonly<Options> = {
  remarkPlugins: [remarkGfm],
  skipHtml: true,
  urlTransform: safeUrl,
  components: {
    a: ({ href, children: text }) =>
      href ? (
        <a href={href} rel="nofollow noopener noreferrer">
          {text}
        </a>
      ) : (
        <span>{text}</span>
      ),
    img: () => null,
  },
};

/**
 * Texts rendered lately, most recent last. Parsing is most of a text's cost
 * (about 1 ms for an answer of a few hundred characters, and a review page
 * shows eight answers and the comments on every request), and the elements
 * depend on the text alone, so a short text is parsed once.
 *
 * Bounded by characters, short texts only: the elements take up to about a
 * hundred times their text's size in memory (links keep their syntax nodes),
 * so about 20 MB at most. Production only: a development build records on
 * each element the request's components and their props, which a kept
 * element would carry into another request's payload.
 */
const rendered = new Map<string, ReactNode>();
const KEPT_CHARACTERS = 200_000;
const LONGEST_KEPT = 4_000;
let keptCharacters = 0;

function parsed(text: string): ReactNode {
  const keep = process.env.NODE_ENV === "production" && text.length <= LONGEST_KEPT;
  const known = keep ? rendered.get(text) : undefined;
  if (known !== undefined) {
    rendered.delete(text);
    rendered.set(text, known);
    return known;
  }
  // The component renders synchronously and uses no hooks: called directly, its elements can be kept.
  const tree = ReactMarkdown({ ...OPTIONS, children: text });
  if (keep) {
    rendered.set(text, tree);
    keptCharacters += text.length;
    for (const [oldest] of rendered) {
      if (keptCharacters <= KEPT_CHARACTERS) break;
      rendered.delete(oldest);
      keptCharacters -= oldest.length;
    }
  }
  return tree;
}

/**
 * Markdown rendered to React elements: raw HTML is dropped, and links survive
 * only as absolute http(s) or mailto URLs, paths on this site or anchors:
 * no `javascript:`, and no protocol-relative `//host/…`, which would lead
 * off-site while looking like a path. Links carry rel="nofollow noopener noreferrer".
 */
export function Markdown({ children }: { children: string }) {
  return <div className="prose-policy">{parsed(children)}</div>;
}

export function safeUrl(url: string): string {
  const cleaned = defaultUrlTransform(url.trim());
  return /^(https?:\/\/|mailto:|\/(?![/\\])|#)/i.test(cleaned) ? cleaned : "";
}
