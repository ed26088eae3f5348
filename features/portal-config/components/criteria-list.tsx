import type { Criterion, CriterionKind } from "@/features/portal-config/schema";

const HOW_CHECKED: Record<CriterionKind, string> = {
  alias: "Checked by a link the portal mails to the alias",
  evidence: "Answered with an explanation and links",
  acceptance: "Accepted with a checkbox on the application",
  vouch: "Confirmed by the member who vouches",
};

export function CriteriaList({ criteria }: { criteria: Criterion[] }) {
  return (
    <ol className="space-y-4">
      {criteria.map((criterion, index) => (
        <li key={criterion.key} className="rounded-lg border border-slate-200 p-4" data-criterion={criterion.key}>
          <h3 className="font-semibold">
            <span className="mr-2 text-slate-500">{index + 1}.</span>
            {criterion.title}
          </h3>
          <p className="mt-1 text-slate-700">{criterion.guidance}</p>
          <p className="mt-2 text-sm text-slate-500">{HOW_CHECKED[criterion.kind]}</p>
        </li>
      ))}
    </ol>
  );
}
