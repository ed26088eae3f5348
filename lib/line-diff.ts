export type DiffLine = { kind: "same" | "added" | "removed"; text: string };

/**
 * A line-by-line diff (longest common subsequence) of two texts: what a
 * reader of `before` needs to see to know `after`. Texts here are policy
 * documents of a few hundred lines at most.
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  const common: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = common[i] as number[];
      row[j] =
        a[i] === b[j]
          ? ((common[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((common[i + 1] as number[])[j] as number, row[j + 1] as number);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ kind: "same", text: a[i] as string });
      i++;
      j++;
    } else if (
      i < a.length &&
      (j >= b.length || ((common[i + 1] as number[])[j] as number) >= ((common[i] as number[])[j + 1] as number))
    ) {
      lines.push({ kind: "removed", text: a[i] as string });
      i++;
    } else {
      lines.push({ kind: "added", text: b[j] as string });
      j++;
    }
  }
  return lines;
}
