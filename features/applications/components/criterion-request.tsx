/** Beside one criterion: what the team asked about it (its reviewers' notes, nobody named). */
export function CriterionRequest({ notes }: { notes: string[] }) {
  return (
    <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950" data-requested-change>
      <p className="font-semibold">The security team asks for more information here</p>
      {notes.length > 0 ? (
        <ul className="mt-1 list-disc space-y-1 pl-5">
          {notes.map((note, index) => (
            // Notes repeat nothing but their text; the index keeps two equal notes apart.
            // biome-ignore lint/suspicious/noArrayIndexKey: the list never reorders
            <li key={index} className="whitespace-pre-wrap break-words">
              {note}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
