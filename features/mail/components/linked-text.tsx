/** Plain text with its http(s) URLs made into links; nothing else is interpreted. */
export function LinkedText({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return (
    <pre className="overflow-x-auto whitespace-pre-wrap break-words rounded-md bg-slate-50 p-4 font-sans">
      {parts.map((part, index) =>
        /^https?:\/\//.test(part) ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts never reorder
          <a key={index} href={part} className="text-brand-700 underline">
            {part}
          </a>
        ) : (
          part
        ),
      )}
    </pre>
  );
}
