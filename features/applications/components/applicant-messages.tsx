import { Markdown } from "@/components/ui/markdown";
import { Section } from "@/components/ui/section";

/** The security team's messages to the applicant, as the applicant reads them (no author named). */
export function ApplicantMessages({ comments }: { comments: { id: string; body: string }[] }) {
  if (comments.length === 0) return null;
  return (
    <Section id="messages" title="Messages from the security team">
      {comments.map((comment) => (
        <article key={comment.id} className="rounded-md border border-slate-200 p-4">
          <Markdown>{comment.body}</Markdown>
        </article>
      ))}
    </Section>
  );
}
