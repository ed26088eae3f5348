// What an uploaded patch file must be, and the name it is kept and served under.

export const PATCH_EXTENSION = /\.(patch|diff)$/i;

/** A file name safe in a header and on disk: its last path part, only letters, digits, ".", "-" and "_". */
export function safePatchFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? "";
  const cleaned = base
    .normalize("NFKC")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+/, "")
    .replace(/_+/g, "_");
  const extension = PATCH_EXTENSION.exec(cleaned)?.[0].toLowerCase() ?? "";
  const stem = cleaned.slice(0, cleaned.length - extension.length).slice(0, 100) || "patch";
  return `${stem}${extension}`;
}

/** Why the upload is refused, or null: a non-empty .patch/.diff text file (UTF-8, no NUL) within the limit. */
export function patchFileProblem(fileName: string, bytes: Uint8Array, maxBytes: number): string | null {
  if (!PATCH_EXTENSION.test(fileName)) return "Upload a .patch or .diff file.";
  if (bytes.byteLength === 0) return "The file is empty.";
  if (bytes.byteLength > maxBytes) return `The file is too large (at most ${Math.floor(maxBytes / 1000)} kB).`;
  if (bytes.includes(0)) return "The file is not text: a patch is plain text.";
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return "The file is not text: a patch is plain text (UTF-8).";
  }
  return null;
}
