// Compares what schema.prisma declares with what a migrated database has,
// so that a model change without a migration (or the reverse) fails a test.
// The schema is read with Prisma's own WASM parser (the DMMF that `prisma
// generate` uses), the database from pg_catalog.
import { createRequire } from "node:module";
import type pg from "pg";

type Column = { type: string; nullable: boolean; default: string | null };
type Table = { columns: Map<string, Column>; primaryKey: string; constraints: Set<string> };
export type SchemaShape = { tables: Map<string, Table>; enums: Map<string, string> };

type DmmfField = {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "enum" | "object" | "unsupported";
  type: string;
  isList: boolean;
  isRequired: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
};
type DmmfModel = { name: string; dbName: string | null; fields: DmmfField[]; primaryKey: { fields: string[] } | null };
type DmmfIndex = {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  algorithm?: string;
  fields: { name: string }[];
};
type Dmmf = {
  datamodel: {
    models: DmmfModel[];
    enums: { name: string; dbName?: string | null; values: { name: string; dbName?: string | null }[] }[];
    indexes: DmmfIndex[];
  };
};

const SCALAR_TYPES: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Float: "double precision",
  Decimal: "numeric(65,30)",
  Bytes: "bytea",
};

const NATIVE_TYPES: Record<string, (args: string[]) => string> = {
  VarChar: (args) => `character varying${args.length ? `(${args.join(",")})` : ""}`,
  Char: (args) => `character(${args[0] ?? 1})`,
  Text: () => "text",
  Uuid: () => "uuid",
  Timestamptz: (args) => `timestamp(${args[0] ?? 6}) with time zone`,
  Timestamp: (args) => `timestamp(${args[0] ?? 6}) without time zone`,
  Date: () => "date",
  SmallInt: () => "smallint",
  Integer: () => "integer",
  Citext: () => "citext",
  Inet: () => "inet",
};

const REFERENTIAL_ACTIONS: Record<string, string> = {
  a: "NoAction",
  r: "Restrict",
  c: "Cascade",
  n: "SetNull",
  d: "SetDefault",
};

/** Parses schema text with Prisma's WASM schema parser. Throws Prisma's own message on invalid schema. */
export function readPrismaSchema(schemaText: string): Dmmf {
  const require = createRequire(import.meta.url);
  const wasm = require("@prisma/prisma-schema-wasm") as { get_dmmf: (params: string) => string };
  return JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schemaText]] }))) as Dmmf;
}

/**
 * Indexes on an expression, which schema.prisma cannot declare: migrations
 * create them, and the comparison expects them here.
 */
const EXPRESSION_INDEXES: Record<string, string[]> = {
  Application: ["lower(organisation)"],
  Member: ["lower(organisation)"],
};

/**
 * Partial indexes, which schema.prisma cannot declare either: the columns,
 * then the condition as Postgres prints it back.
 */
const PARTIAL_INDEXES: Record<string, string[]> = {
  SubscriberAddress: ['memberId where (("removedAt" IS NULL) AND (NOT is_list_address(address)))'],
};

export function shapeFromPrisma(dmmf: Dmmf): SchemaShape {
  const { models, enums, indexes } = dmmf.datamodel;
  const tableName = new Map(models.map((model) => [model.name, model.dbName ?? model.name]));
  const enumName = new Map(enums.map((item) => [item.name, item.dbName ?? item.name]));
  const tables = new Map<string, Table>();
  for (const model of models) {
    const columnOf = new Map(model.fields.map((field) => [field.name, field.dbName ?? field.name]));
    const columns = (names: string[]) => names.map((name) => columnOf.get(name) ?? name).join(",");
    const table: Table = { columns: new Map(), primaryKey: "", constraints: new Set() };
    for (const field of model.fields) {
      if (field.kind === "object") {
        const from = field.relationFromFields ?? [];
        if (from.length === 0) continue;
        const required = from.every((name) => model.fields.find((f) => f.name === name)?.isRequired);
        const target = models.find((m) => m.name === field.type);
        const targetColumns = (field.relationToFields ?? []).map(
          (name) => target?.fields.find((f) => f.name === name)?.dbName ?? name,
        );
        const onDelete = field.relationOnDelete ?? (required ? "Restrict" : "SetNull");
        const onUpdate = field.relationOnUpdate ?? "Cascade";
        table.constraints.add(
          `foreign key (${columns(from)}) -> ${tableName.get(field.type)}(${targetColumns.join(",")}) on delete ${onDelete} on update ${onUpdate}`,
        );
        continue;
      }
      const base =
        field.kind === "enum"
          ? (enumName.get(field.type) ?? field.type)
          : field.nativeType
            ? (NATIVE_TYPES[field.nativeType[0]]?.(field.nativeType[1]) ?? field.nativeType[0].toLowerCase())
            : (SCALAR_TYPES[field.type] ?? field.type);
      table.columns.set(field.dbName ?? field.name, {
        type: field.isList ? `${base}[]` : base,
        // Prisma creates list columns without NOT NULL.
        nullable: field.isList || !field.isRequired,
        default: prismaDefault(field),
      });
    }
    for (const index of indexes.filter((item) => item.model === model.name)) {
      const cols = columns(index.fields.map((f) => f.name));
      if (index.type === "id") table.primaryKey = cols;
      else if (index.type === "unique") table.constraints.add(`unique (${cols})`);
      else table.constraints.add(`index ${(index.algorithm ?? "BTree").toLowerCase()} (${cols})`);
    }
    for (const expression of EXPRESSION_INDEXES[model.dbName ?? model.name] ?? []) {
      table.constraints.add(`index btree (${expression})`);
    }
    for (const partial of PARTIAL_INDEXES[model.dbName ?? model.name] ?? []) {
      table.constraints.add(`index btree (${partial})`);
    }
    tables.set(model.dbName ?? model.name, table);
  }
  const enumShapes = new Map(
    enums.map((item) => [item.dbName ?? item.name, item.values.map((value) => value.dbName ?? value.name).join(",")]),
  );
  return { tables, enums: enumShapes };
}

function prismaDefault(field: DmmfField): string | null {
  if (!field.hasDefaultValue || field.isUpdatedAt) return null;
  const value = field.default;
  if (value && typeof value === "object" && "name" in value) {
    const fn = value as { name: string; args: unknown[] };
    if (fn.name === "now") return "now";
    if (fn.name === "autoincrement") return "autoincrement";
    if (fn.name === "dbgenerated") return String(fn.args[0] ?? "");
    return null; // cuid(), uuid(), nanoid(): generated by the client, not the database
  }
  if (Array.isArray(value)) return `{${value.join(",")}}`;
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  return String(value);
}

export async function shapeFromDatabase(client: pg.Client | pg.Pool): Promise<SchemaShape> {
  const columns = await client.query<{
    table: string;
    column: string;
    type: string;
    nullable: boolean;
    def: string | null;
  }>(`
    SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
           NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS def
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'r'
      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relname <> '_prisma_migrations'
     ORDER BY c.relname, a.attnum`);
  const indexes = await client.query<{
    table: string;
    unique: boolean;
    primary: boolean;
    method: string;
    cols: string[];
    expression: string | null;
    predicate: string | null;
  }>(`
    SELECT c.relname AS table, i.indisunique AS unique, i.indisprimary AS primary, am.amname AS method,
           pg_get_expr(i.indexprs, i.indrelid) AS expression, pg_get_expr(i.indpred, i.indrelid) AS predicate,
           array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS cols
      FROM pg_index i
      JOIN pg_class c ON c.oid = i.indrelid
      JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_am am ON am.oid = ic.relam
      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
     WHERE c.relname <> '_prisma_migrations'`);
  const foreignKeys = await client.query<{
    table: string;
    cols: string[];
    target: string;
    targetCols: string[];
    del: string;
    upd: string;
  }>(`
    SELECT c.relname AS table, t.relname AS target, con.confdeltype AS del, con.confupdtype AS upd,
           array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS cols,
           array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS "targetCols"
      FROM pg_constraint con
      JOIN pg_class c ON c.oid = con.conrelid
      JOIN pg_class t ON t.oid = con.confrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
     WHERE con.contype = 'f'`);
  const enums = await client.query<{ name: string; values: string[] }>(`
    SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
      FROM pg_type t
      JOIN pg_enum e ON e.enumtypid = t.oid
      JOIN pg_namespace n ON n.oid = t.typnamespace AND n.nspname = current_schema()
     GROUP BY t.typname`);

  const tables = new Map<string, Table>();
  const tableOf = (name: string) => {
    let table = tables.get(name);
    if (!table) {
      table = { columns: new Map(), primaryKey: "", constraints: new Set() };
      tables.set(name, table);
    }
    return table;
  };
  for (const row of columns.rows) {
    tableOf(row.table).columns.set(row.column, {
      type: row.type.replaceAll('"', ""),
      nullable: row.nullable,
      default: databaseDefault(row.def),
    });
  }
  for (const row of indexes.rows) {
    const table = tableOf(row.table);
    const cols = (row.expression ?? row.cols.join(",")) + (row.predicate ? ` where ${row.predicate}` : "");
    if (row.primary) table.primaryKey = cols;
    else if (row.unique) table.constraints.add(`unique (${cols})`);
    else table.constraints.add(`index ${row.method} (${cols})`);
  }
  for (const row of foreignKeys.rows) {
    tableOf(row.table).constraints.add(
      `foreign key (${row.cols.join(",")}) -> ${row.target}(${row.targetCols.join(",")}) on delete ${REFERENTIAL_ACTIONS[row.del]} on update ${REFERENTIAL_ACTIONS[row.upd]}`,
    );
  }
  return { tables, enums: new Map(enums.rows.map((row) => [row.name, row.values.join(",")])) };
}

function databaseDefault(expression: string | null): string | null {
  if (expression === null) return null;
  if (/^CURRENT_TIMESTAMP$|^now\(\)$/i.test(expression)) return "now";
  if (/^nextval\(/.test(expression)) return "autoincrement";
  if (/^ARRAY\[\]/.test(expression)) return "{}";
  return expression.replace(/::[\w" .[\]()]+$/, "");
}

/** Every difference, one line each, naming the table and column or constraint. Empty when they agree. */
export function diffShapes(schema: SchemaShape, database: SchemaShape): string[] {
  const problems: string[] = [];
  const missing = (what: string) => problems.push(`${what}: in schema.prisma but not in the migrated database`);
  const extra = (what: string) => problems.push(`${what}: in the migrated database but not in schema.prisma`);
  for (const [name, values] of schema.enums) {
    const actual = database.enums.get(name);
    if (actual === undefined) missing(`enum ${name}`);
    else if (actual !== values)
      problems.push(`enum ${name}: schema.prisma has [${values}], the database has [${actual}]`);
  }
  for (const name of database.enums.keys()) if (!schema.enums.has(name)) extra(`enum ${name}`);

  for (const [name, expected] of schema.tables) {
    const actual = database.tables.get(name);
    if (!actual) {
      missing(`table ${name}`);
      continue;
    }
    for (const [column, want] of expected.columns) {
      const have = actual.columns.get(column);
      if (!have) {
        missing(`column ${name}.${column}`);
        continue;
      }
      for (const key of ["type", "nullable", "default"] as const) {
        if (want[key] !== have[key]) {
          problems.push(
            `column ${name}.${column}: ${key} is ${String(want[key])} in schema.prisma, ${String(have[key])} in the database`,
          );
        }
      }
    }
    for (const column of actual.columns.keys()) if (!expected.columns.has(column)) extra(`column ${name}.${column}`);
    if (expected.primaryKey !== actual.primaryKey) {
      problems.push(
        `table ${name}: primary key is (${expected.primaryKey}) in schema.prisma, (${actual.primaryKey}) in the database`,
      );
    }
    for (const constraint of expected.constraints)
      if (!actual.constraints.has(constraint)) missing(`${name}: ${constraint}`);
    for (const constraint of actual.constraints)
      if (!expected.constraints.has(constraint)) extra(`${name}: ${constraint}`);
  }
  for (const name of database.tables.keys()) if (!schema.tables.has(name)) extra(`table ${name}`);
  return problems;
}
