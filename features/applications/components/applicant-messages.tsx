import { Markdown } from "@/components/ui/markdown";

/** The security team's messages to the applicant, as the applicant reads them (no author named). */
export function ApplicantMessages({ comments }: { comments: { id: string; body: string }[] }) {
  if (comments.length === 0) return null;
  return (
    <section aria-labelledby="messages" className="space-y-3">
      <h2 id="messages" className="text-xl font-semibold">
        Messages from the security team
      </h2>
      {comments.map((comment) => (
        <article key={comment.id} className="rounded-md border border-slate-200 p-4">
          <Markdown>{comment.body}</Markdown>
        </article>
      ))}
    </section>
  );
}
