import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { deliverOutbox, MAX_ATTEMPTS } from "@/features/mail/delivery";
import { enqueueMail } from "@/features/mail/mutations";
import { compose } from "@/features/mail/templates";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { freePort } from "@/test/helpers/portal-server";
import { startMailCatcher } from "@/test/helpers/smtp";

let database: TestDatabase & { db: Database };

beforeAll(async () => {
  database = await createMigratedDatabase();
});
afterAll(async () => {
  await database.drop();
});

const options = (smtpUrl: string | undefined) => ({
  smtpUrl,
  from: "Portal <portal@kmesh.example>",
  baseUrl: "http://portal.test",
});

describe("mail", () => {
  it("escapes what users typed in the HTML part and keeps line breaks out of the subject", () => {
    const message = compose("a@b.example", "Evil\r\nBcc: x@y.example <b>", [
      { text: `<script>alert(1)</script> & "quotes"` },
      { link: "https://portal.test/x?a=1&b=2", label: "Open" },
    ]);
    expect(message.subject).toBe("Evil Bcc: x@y.example <b>");
    expect(message.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;");
    expect(message.html).not.toContain("<script>");
    expect(message.html).toContain('href="https://portal.test/x?a=1&amp;b=2"');
    expect(message.text).toContain("<script>alert(1)</script>");
  });

  it("is only queued when the transaction that caused it commits", async () => {
    const { db } = database;
    await expect(
      db.$transaction(async (tx) => {
        await enqueueMail(tx, compose("rolled@back.example", "Never", [{ text: "x" }]));
        throw new Error("change failed");
      }),
    ).rejects.toThrow("change failed");
    expect(await db.outboxMail.count({ where: { to: "rolled@back.example" } })).toBe(0);
  });

  it("is retried when the mail server is down, marked failed for owners after the last attempt, and never sent twice", async () => {
    const { db } = database;
    const id = await db.$transaction((tx) => enqueueMail(tx, compose("retry@acme.example", "Hello", [{ text: "Hi" }])));
    const deadServer = `smtp://127.0.0.1:${await freePort()}`;
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await deliverOutbox(db, options(deadServer))).toEqual({ sent: 0, failed: 1 });
    const afterFailure = await db.outboxMail.findUniqueOrThrow({ where: { id } });
    expect(afterFailure).toMatchObject({
      status: "PENDING",
      attempts: 1,
      lastError: expect.stringMatching(/ECONNREFUSED/),
    });
    expect(afterFailure.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    // Not due yet: nothing is attempted.
    expect(await deliverOutbox(db, options(deadServer))).toEqual({ sent: 0, failed: 0 });

    const catcher = await startMailCatcher();
    try {
      await db.outboxMail.update({ where: { id }, data: { nextAttemptAt: new Date() } });
      // Two deliverers at once: the lease lets only one send it.
      const runs = await Promise.all([
        deliverOutbox(db, options(catcher.url)),
        deliverOutbox(db, options(catcher.url)),
      ]);
      expect(runs.reduce((total, run) => total + run.sent, 0)).toBe(1);
      await catcher.waitFor((m) => m.envelopeTo.includes("retry@acme.example"));
      expect(catcher.messages.filter((m) => m.envelopeTo.includes("retry@acme.example"))).toHaveLength(1);
      expect(await db.outboxMail.findUniqueOrThrow({ where: { id } })).toMatchObject({
        status: "SENT",
        lastError: null,
        text: "",
        html: "",
      });
    } finally {
      await catcher.stop();
    }

    const doomed = await db.$transaction((tx) =>
      enqueueMail(tx, compose("doomed@acme.example", "Hello", [{ text: "Hi" }])),
    );
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await db.outboxMail.update({ where: { id: doomed }, data: { nextAttemptAt: new Date() } });
      await deliverOutbox(db, options(deadServer));
    }
    expect(await db.outboxMail.findUniqueOrThrow({ where: { id: doomed } })).toMatchObject({
      status: "FAILED",
      attempts: MAX_ATTEMPTS,
    });
    errors.mockRestore();

    // Owners see it on /team.
    vi.stubEnv("DATABASE_URL", database.url);
    const { listUndeliveredMail } = await import("@/features/mail/data");
    expect(await listUndeliveredMail()).toEqual([
      expect.objectContaining({ id: doomed, status: "FAILED", lastError: expect.stringMatching(/ECONNREFUSED/) }),
    ]);
    const { getDb } = await import("@/lib/db");
    await getDb().$disconnect();
  });

  it("without SMTP_URL is kept for /dev/outbox and announced on the console", async () => {
    const { db } = database;
    const id = await db.$transaction((tx) =>
      enqueueMail(
        tx,
        compose("dev@acme.example", "Sign in", [{ link: "http://portal.test/signin/confirm?token=t", label: "Open" }]),
      ),
    );
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await deliverOutbox(db, options(undefined));
    expect(log).toHaveBeenCalledWith(expect.stringContaining(`http://portal.test/dev/outbox/${id}`));
    expect(log).toHaveBeenCalledWith(expect.stringContaining("link: http://portal.test/signin/confirm?token=t"));
    log.mockRestore();
    expect((await db.outboxMail.findUniqueOrThrow({ where: { id } })).status).toBe("STORED");
  });
});
