import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { UpLink } from "@/components/ui/up-link";
import { UtcTime } from "@/components/ui/utc-time";
import { LinkedText } from "@/features/mail/components/linked-text";
import { getOutboxMail, isDevelopmentOutboxOpen } from "@/features/mail/data";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Message (development outbox)" };

export default async function OutboxMessagePage({ params }: { params: Promise<{ id: string }> }) {
  if (!isDevelopmentOutboxOpen()) notFound();
  const { id } = await params;
  const message = await getOutboxMail(id);
  if (!message) notFound();
  return (
    <article className="space-y-4">
      <UpLink href="/dev/outbox">Outbox</UpLink>
      <h1 className="text-2xl font-bold">{message.subject}</h1>
      <p className="text-slate-600">
        To {message.to} · <UtcTime value={message.createdAt} precision="second" />
      </p>
      <LinkedText text={message.text} />
    </article>
  );
}
