import { auditActionLabel } from "@/features/audit/events";

export function Timeline({ events }: { events: { id: string; action: string; at: Date }[] }) {
  return (
    <ol className="space-y-2 border-l-2 border-slate-200 pl-4">
      {events.map((event) => (
        <li key={event.id}>
          <span className="font-medium">{auditActionLabel(event.action)}</span>{" "}
          <time dateTime={event.at.toISOString()} className="text-sm whitespace-nowrap text-slate-600">
            {event.at.toISOString().replace("T", " ").slice(0, 16)} UTC
          </time>
        </li>
      ))}
    </ol>
  );
}
