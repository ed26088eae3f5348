import { z } from "zod";

/** An application's id as it arrives in a form or a URL (a cuid). */
export const ApplicationIdSchema = z.string().regex(/^[a-z0-9]{20,40}$/, "Unknown application");
