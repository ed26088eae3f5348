import { z } from "zod";
import { EmailSchema } from "@/lib/email";

export const ROLES = ["REVIEWER", "OWNER"] as const;

export const AddTeamMemberSchema = z.strictObject({
  email: EmailSchema,
  role: z.enum(ROLES, { message: "Choose reviewer or owner" }),
});

export const ChangeRoleSchema = z.strictObject({
  memberId: z.string().min(1).max(40),
  role: z.enum(ROLES, { message: "Choose reviewer or owner" }),
});

export const RemoveTeamMemberSchema = z.strictObject({
  memberId: z.string().min(1).max(40),
});
