// One row per figure: what was measured, its value, the baseline measured in
// the same run right before it, their ratio, and the issue's first target.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

export type Row = {
  name: string;
  figure: string;
  value: number;
  baseline: number | null;
  ratio: number | null;
  target: string | null;
  met: boolean | null;
};

export type Machine = { cores: number; memoryGiB: number; node: string; postgres: string };

export type Results = { machine: Machine; scenarios: Row[] };

/** A row; `check` decides `met` from the value and the ratio (null when there is no target). */
export function row(
  name: string,
  figure: string,
  value: number,
  baseline: number | null = null,
  target: { text: string; check: (value: number, ratio: number | null) => boolean } | null = null,
): Row {
  const ratio = baseline ? value / baseline : null;
  return {
    name,
    figure,
    value,
    baseline,
    ratio,
    target: target?.text ?? null,
    met: target ? target.check(value, ratio) : null,
  };
}

const round = (value: number) => (Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 100) / 100);

function shown(value: number | null): string {
  if (value === null || Number.isNaN(value)) return "—";
  return round(value).toLocaleString("en-US");
}

/** The results as a Markdown table (what is printed, and what bench/README.md shows). */
export function markdownTable(rows: Row[]): string {
  const lines = [
    "| scenario | figure | value | baseline | ratio | target | met |",
    "| --- | --- | ---: | ---: | ---: | --- | --- |",
  ];
  for (const r of rows) {
    const met = r.met === null ? "" : r.met ? "yes" : "**no**";
    lines.push(
      `| ${r.name} | ${r.figure} | ${shown(r.value)} | ${shown(r.baseline)} | ${r.ratio === null ? "—" : `${r.ratio.toFixed(2)}×`} | ${r.target ?? ""} | ${met} |`,
    );
  }
  return lines.join("\n");
}

export async function saveResults(file: string, results: Results): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const rounded = {
    ...results,
    scenarios: results.scenarios.map((r) => ({
      ...r,
      value: round(r.value),
      baseline: r.baseline === null ? null : round(r.baseline),
      ratio: r.ratio === null ? null : Math.round(r.ratio * 1000) / 1000,
    })),
  };
  await writeFile(file, `${JSON.stringify(rounded, null, 2)}\n`);
}
