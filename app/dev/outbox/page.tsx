import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { isDevelopmentOutboxOpen, listOutbox } from "@/features/mail/data";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Outbox (development)" };

// Development only: with no SMTP_URL, every message the portal "sends" is kept here.
export default async function OutboxPage() {
  if (!isDevelopmentOutboxOpen()) notFound();
  const messages = await listOutbox();
  return (
    <div className="space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Outbox</h1>
      <p className="text-slate-700">
        Development only. Without <code>SMTP_URL</code>, the portal keeps its mail here instead of sending it.
      </p>
      {messages.length === 0 ? (
        <p>No mail yet.</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-md border border-slate-200">
          {messages.map((message) => (
            <li key={message.id} className="p-3">
              <Link href={`/dev/outbox/${message.id}`} className="font-medium text-brand-700 underline">
                {message.subject}
              </Link>
              <p className="text-sm text-slate-600">
                to {message.to} · {message.createdAt.toISOString().replace("T", " ").slice(0, 19)} UTC ·{" "}
                {message.status}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
