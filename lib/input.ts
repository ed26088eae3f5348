import { z } from "zod";

// Shapes of user input shared by every feature's schema.

// C0 control characters other than tab, line feed and carriage return, DEL
// and the C1 controls: Postgres cannot store NUL at all (a NUL byte used to
// give a 500), and none of the others has a place in anything a person types
// here. Also the bidirectional overrides and isolates and the Unicode line and
// paragraph separators, which make text shown to others (in pages and mails)
// read differently from what it is.
const CONTROL_CHARACTERS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/;

export const CONTROL_CHARACTER_MESSAGE =
  "Remove the control characters (such as NUL, or right-to-left overrides) from this text";

/** True when the text holds a character that text fields refuse. */
export function hasControlCharacters(value: string): boolean {
  return CONTROL_CHARACTERS.test(value);
}

/** Free text as people type it: trimmed, at most `max` characters, no control characters. */
export function textInput(max: number) {
  return z
    .string()
    .trim()
    .max(max, `Keep this under ${max.toLocaleString("en")} characters`)
    .refine((value) => !hasControlCharacters(value), CONTROL_CHARACTER_MESSAGE);
}

/** The id of a stored record (a cuid) as it arrives in a form or a URL. */
export const RecordIdSchema = z.string().regex(/^[a-z0-9]{20,40}$/, "Unknown record");
