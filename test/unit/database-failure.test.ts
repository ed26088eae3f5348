import { describe, expect, it } from "vitest";
import { databaseFailureReports, isDatabaseUnavailableError } from "@/lib/database-failure";

// Shapes as Prisma 7 with @prisma/adapter-pg throws them (seen in the faults test).
const terminated = Object.assign(new Error("Raw query failed. Code: `57P01`."), {
  code: "P2010",
  meta: {
    driverAdapterError: {
      name: "DriverAdapterError",
      cause: { originalCode: "57P01", kind: "postgres", code: "57P01", severity: "FATAL" },
    },
  },
});
const unreachable = Object.assign(new Error("Can't reach database server at 127.0.0.1:1"), {
  code: "P1001",
  meta: { driverAdapterError: { cause: { kind: "DatabaseNotReachable", host: "127.0.0.1", port: 1 } } },
});
const poolTimeout = new Error("timeout exceeded when trying to connect");
const uniqueViolation = Object.assign(new Error("Unique constraint failed on the fields: (`email`)"), {
  code: "P2002",
  meta: { driverAdapterError: { cause: { kind: "UniqueConstraintViolation", originalCode: "23505" } } },
});
const syntax = Object.assign(new Error("Raw query failed. Code: `42601`."), {
  code: "P2010",
  meta: { driverAdapterError: { cause: { kind: "postgres", code: "42601" } } },
});

describe("isDatabaseUnavailableError", () => {
  it("knows a terminated connection, an unreachable server and a pool timeout, also as the cause", () => {
    for (const error of [terminated, unreachable, poolTimeout, new Error("render failed", { cause: poolTimeout })]) {
      expect(isDatabaseUnavailableError(error)).toBe(true);
    }
    expect(isDatabaseUnavailableError(Object.assign(new Error("x"), { code: "57P03" }))).toBe(true);
    expect(isDatabaseUnavailableError(Object.assign(new Error("x"), { code: "08006" }))).toBe(true);
  });

  it("does not take a wrong query, a conflict or a bug for an unavailable database", () => {
    for (const error of [uniqueViolation, syntax, new TypeError("x is undefined"), "a string", null, undefined]) {
      expect(isDatabaseUnavailableError(error)).toBe(false);
    }
  });
});

describe("databaseFailureReports", () => {
  it("answers true for a reported request, before or after the report, and once", async () => {
    const reports = databaseFailureReports({ graceMs: 1_000 });
    reports.receive({ type: "portal:database-unavailable", requestId: "early" });
    expect(await reports.failed("early")).toBe(true);
    const late = reports.failed("late");
    reports.receive({ type: "portal:database-unavailable", requestId: "late" });
    expect(await late).toBe(true);
    expect(await databaseFailureReports({ graceMs: 1 }).failed("early")).toBe(false);
  });

  it("answers false after the grace for a request nobody reported, and ignores other messages", async () => {
    const reports = databaseFailureReports({ graceMs: 20 });
    reports.receive({ nextServerReady: true });
    reports.receive({ type: "portal:database-unavailable", requestId: 42 });
    reports.receive({ type: "portal:database-unavailable", requestId: "other" });
    expect(await reports.failed("unreported")).toBe(false);
  });
});
