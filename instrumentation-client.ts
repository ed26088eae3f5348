import { z } from "zod";

// Runs in the browser before the page's own code. zod 4 probes whether it
// may compile its parsers with `new Function`; the portal's policy refuses
// eval, and the browser reports the caught probe as a policy violation on
// every page whose forms check their input with zod. It parses without.
z.config({ jitless: true });
