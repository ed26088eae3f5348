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
    .max(max, tooLongMessage(max))
    .refine((value) => !hasControlCharacters(value), CONTROL_CHARACTER_MESSAGE);
}

const LINE_BREAKS_AND_TABS = /[\t\n\r\u0085]/;

export const LINE_BREAK_MESSAGE = "Write this on one line: no line breaks or tabs";

/**
 * A single-line field (a name, an address, a link, a search): what
 * `textInput` refuses, and line breaks and tabs too, since such values are
 * shown on one line in pages and mails, where a line break could pass for
 * a line of the portal's own.
 */
export function lineInput(max: number) {
  return textInput(max).refine((value) => !LINE_BREAKS_AND_TABS.test(value), LINE_BREAK_MESSAGE);
}

/** A page's URL parameters with one value each: the first of a repeated one, as a search form sends it once. */
export function firstValues(params: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(params).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]),
  );
}

/** What a form says of a value longer than `max` characters. */
export function tooLongMessage(max: number): string {
  return `Keep this under ${max.toLocaleString("en")} characters`;
}

/**
 * What a form says when a checkbox, or a field the page fills in itself,
 * holds a value the page never sends: only a changed request gets it.
 */
export const UNEXPECTED_CHOICE_MESSAGE = "Reload the page and try again: this holds a value the form does not offer";

/** The id of a stored record (a cuid) as it arrives in a form or a URL. */
export const RecordIdSchema = z.string().regex(/^[a-z0-9]{20,40}$/, "Unknown record");
