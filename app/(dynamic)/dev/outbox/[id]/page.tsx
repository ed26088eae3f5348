import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
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
      <p>
        <Link href="/dev/outbox" className="text-brand-700 underline">
          Outbox
        </Link>
      </p>
      <h1 className="text-2xl font-bold">{message.subject}</h1>
      <p className="text-slate-600">
        To {message.to} · <UtcTime value={message.createdAt} precision="second" />
      </p>
      <LinkedText text={message.text} />
    </article>
  );
}
