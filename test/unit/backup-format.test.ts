import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BackupHeader,
  COMPLETE_LINE,
  dataStatements,
  headerLine,
  parseBackup,
  sqlLiteral,
  stepLine,
} from "@/lib/backup-format";

describe("sqlLiteral", () => {
  it("quotes plain text as a standard string and the rest as an escape string", () => {
    expect(sqlLiteral(null)).toBe("NULL");
    expect(sqlLiteral("O'Brien")).toBe("'O''Brien'");
    expect(sqlLiteral("a\\b")).toBe("E'a\\\\b'");
    expect(sqlLiteral("one\ntwo\r\tx\u0001'")).toBe("E'one\\ntwo\\r\\tx\\x01'''");
  });

  it("keeps every value on one line, so that each row is one line of the file", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (value) => !sqlLiteral(value).includes("\n")));
  });
});

const header: BackupHeader = {
  format: 1,
  takenAt: "2026-01-01T00:00:00.000Z",
  server: "PostgreSQL 18.6",
  migrations: [{ name: "20260101000000_init", checksum: "abc" }],
  rows: { T: 1 },
};
const backup = [
  "-- a backup",
  headerLine(header).trimEnd(),
  stepLine("schema", "_prisma_migrations"),
  "BEGIN;\nCREATE TABLE x ();\nCOMMIT;",
  stepLine("schema", "20260101000000_init"),
  'BEGIN;\nCREATE TABLE "T" (a text);\nCOMMIT;',
  stepLine("data"),
  "BEGIN;\nINSERT INTO \"T\" (a) VALUES\n('x;'),\n(E'y\\n');\nSELECT 1;",
  stepLine("end"),
  "COMMIT;",
  COMPLETE_LINE,
  "",
].join("\n");

describe("parseBackup", () => {
  it("finds the header and the parts, and splits the rows into statements", () => {
    const { header: parsed, steps } = parseBackup(backup);
    expect(parsed).toEqual(header);
    expect(steps.map((step) => `${step.kind} ${step.name}`)).toEqual([
      "schema _prisma_migrations",
      "schema 20260101000000_init",
      "data ",
      "end ",
    ]);
    expect(dataStatements(steps[2]?.body ?? "")).toEqual([
      "INSERT INTO \"T\" (a) VALUES\n('x;'),\n(E'y\\n');",
      "SELECT 1;",
    ]);
  });

  it("refuses what is not a whole backup", () => {
    expect(() => parseBackup("SELECT 1;\n")).toThrow("not a portal backup");
    expect(() => parseBackup(backup.slice(0, -COMPLETE_LINE.length - 2))).toThrow("incomplete");
    expect(() => parseBackup(backup.replace('"format":1', '"format":2'))).toThrow("damaged or from a newer portal");
    expect(() => parseBackup(backup.replace("schema 20260101000000_init", "schema 20260202000000_other"))).toThrow(
      "migrations do not match",
    );
  });
});
