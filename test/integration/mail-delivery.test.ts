import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { deliverOutbox, drainOutbox, MAX_ATTEMPTS } from "@/features/mail/delivery";
import { enqueueMail } from "@/features/mail/mutations";
import { compose } from "@/features/mail/templates";
import { createDatabase, type Database } from "@/lib/prisma";
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

  it("drains a large batch on pooled connections, each message exactly once, also with two instances draining at once", async () => {
    const { db } = database;
    const count = 300;
    await db.$transaction((tx) =>
      Promise.all(
        Array.from({ length: count }, (_, k) =>
          enqueueMail(tx, compose(`bulk${k}@drain.example`, `Bulk ${k}`, [{ text: `Message ${k}` }])),
        ),
      ),
    );
    const catcher = await startMailCatcher();
    // A second portal instance on the same database: its own connections, its own drain.
    const other = createDatabase(database.url);
    try {
      const pooled = { ...options(catcher.url), poolSize: 3 };
      const [first, second, again] = await Promise.all([
        drainOutbox(db, pooled),
        drainOutbox(other, pooled),
        // A call while this process drains joins that drain instead of starting another.
        drainOutbox(db, pooled),
      ]);
      expect(again).toBe(first);
      expect(first.sent + second.sent).toBe(count);
      expect(first.failed + second.failed).toBe(0);
      // The catcher keeps a message before it answers: every one is here once the drains are done.
      const received = catcher.messages.filter((m) => m.envelopeTo[0]?.endsWith("@drain.example"));
      expect(received).toHaveLength(count);
      expect(new Set(received.map((m) => m.envelopeTo[0])).size).toBe(count);
      expect(
        await db.outboxMail.count({ where: { to: { endsWith: "@drain.example" }, status: "SENT", text: "" } }),
      ).toBe(count);
    } finally {
      await other.$disconnect();
      await catcher.stop();
    }
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

  it("without SMTP_URL never puts an embargoed advisory's subject or link on the console", async () => {
    const { db } = database;
    const id = await db.$transaction((tx) =>
      enqueueMail(
        tx,
        compose("psirt@acme.example", "[EMBARGOED] CVE-2026-1111: Secret title 93d1", [
          { link: "http://portal.test/advisories/read/secret-token-93d1", label: "Open" },
        ]),
      ),
    );
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await deliverOutbox(db, options(undefined));
    const lines = log.mock.calls.map((call) => String(call[0]));
    log.mockRestore();
    expect(lines.some((line) => line.includes(`http://portal.test/dev/outbox/${id}`))).toBe(true);
    expect(lines.join("\n")).not.toMatch(/Secret title|secret-token|CVE-2026-1111/);
  });
});
