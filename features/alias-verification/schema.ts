import { z } from "zod";
import { ApplicationIdSchema } from "@/features/workflow/schema";
import { EmailSchema } from "@/lib/email";

/** The applicant's request for a new link to one of the application's addresses. */
export const ResendAddressLinkSchema = z.strictObject({
  applicationId: ApplicationIdSchema,
  address: EmailSchema,
});
