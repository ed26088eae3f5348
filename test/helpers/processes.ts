// What a process tree holds, read from /proc (Linux): the portal's wrapper
// (front door, embedded database) and Next's process under it.
import { readdirSync, readFileSync } from "node:fs";

/** The process and all its descendants. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (command) state ppid …": the command may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // Gone since it was listed.
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i] as number) ?? []));
  return tree;
}

/** The file descriptors the processes hold open, together (those that are gone count none). */
export function openFileDescriptors(pids: number[]): number {
  return pids.reduce((total, pid) => {
    try {
      return total + readdirSync(`/proc/${pid}/fd`).length;
    } catch {
      return total;
    }
  }, 0);
}
