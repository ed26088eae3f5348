import { readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import {
  diffShapes,
  readPrismaSchema,
  type SchemaShape,
  shapeFromDatabase,
  shapeFromPrisma,
} from "@/test/helpers/schema-drift";

let database: TestDatabase;
let client: pg.Client;
let schemaText: string;
let migrated: SchemaShape;

beforeAll(async () => {
  database = await createMigratedDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  schemaText = await readFile(path.resolve(import.meta.dirname, "../../prisma/schema.prisma"), "utf8");
  migrated = await shapeFromDatabase(client);
});
afterAll(async () => {
  await client.end();
  await database.drop();
});

const diffAgainstMigrated = (text: string) => diffShapes(shapeFromPrisma(readPrismaSchema(text)), migrated);

describe("schema.prisma and prisma/migrations", () => {
  it("agree on every model, field, default, unique constraint, index, foreign key and enum", () => {
    expect(diffAgainstMigrated(schemaText)).toEqual([]);
    expect(migrated.tables.size).toBeGreaterThan(20);
  });

  it("fails, naming the column, when a field is added without a migration", () => {
    const changed = schemaText.replace(/model Member \{\n/, "model Member {\n  notes String?\n");
    expect(diffAgainstMigrated(changed)).toEqual([
      "column Member.notes: in schema.prisma but not in the migrated database",
    ]);
  });

  it("names a change of nullability, default, uniqueness, index and enum value", () => {
    // Each edit must find its text: a schema change elsewhere must not turn one into a no-op.
    const swap = (text: string, from: string, to: string) => {
      if (!text.includes(from)) throw new Error(`schema.prisma no longer contains ${JSON.stringify(from)}`);
      return text.replace(from, to);
    };
    let changed = swap(schemaText, "  website             String\n", "  website             String?\n");
    changed = swap(
      changed,
      "round               Int              @default(1)",
      "round               Int              @default(2)",
    );
    changed = swap(changed, "  contactEmail          String\n", "  contactEmail          String @unique\n");
    changed = swap(
      changed,
      "  @@index([format, createdAt])\n  @@index([createdAt])\n",
      "  @@index([format, createdAt])\n",
    );
    changed = swap(changed, "  ABSTAIN\n", "  ABSTAIN\n  VETO\n");
    expect(diffAgainstMigrated(changed).sort()).toEqual(
      [
        "Export: index btree (createdAt): in the migrated database but not in schema.prisma",
        "Member: unique (contactEmail): in schema.prisma but not in the migrated database",
        "column Application.round: default is 2 in schema.prisma, 1 in the database",
        "column Application.website: nullable is true in schema.prisma, false in the database",
        "enum VoteChoice: schema.prisma has [APPROVE,REJECT,ABSTAIN,VETO], the database has [APPROVE,REJECT,ABSTAIN]",
      ].sort(),
    );
  });

  it("names a table the migrations create that the schema lacks, and a changed referential action", () => {
    const withoutSetting = schemaText.replace(/model Setting \{[^}]*\}\n/, "");
    expect(diffAgainstMigrated(withoutSetting)).toEqual([
      "table Setting: in the migrated database but not in schema.prisma",
    ]);
    const cascade = schemaText.replace(
      "member      Member      @relation(fields: [memberId], references: [id], onDelete: Restrict)",
      "member      Member      @relation(fields: [memberId], references: [id], onDelete: Cascade)",
    );
    expect(diffAgainstMigrated(cascade)).toEqual([
      "Vouch: foreign key (memberId) -> Member(id) on delete Cascade on update Cascade: in schema.prisma but not in the migrated database",
      "Vouch: foreign key (memberId) -> Member(id) on delete Restrict on update Cascade: in the migrated database but not in schema.prisma",
    ]);
  });

  it("reports Prisma's own message for a schema that does not parse", () => {
    expect(() => readPrismaSchema(`${schemaText}\nmodel Broken { id Strin @id }\n`)).toThrow(/Strin/);
  });
});
