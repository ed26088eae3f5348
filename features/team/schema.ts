import { z } from "zod";
import { TEAM_ROLES } from "@/features/vocabulary/roles";
import { EmailSchema } from "@/lib/email";
import { RecordIdSchema } from "@/lib/input";

export const AddTeamMemberSchema = z.strictObject({
  email: EmailSchema,
  role: z.enum(TEAM_ROLES, { message: "Choose reviewer or owner" }),
});

export const ChangeRoleSchema = z.strictObject({
  memberId: RecordIdSchema,
  role: z.enum(TEAM_ROLES, { message: "Choose reviewer or owner" }),
});

export const RemoveTeamMemberSchema = z.strictObject({
  memberId: RecordIdSchema,
});

export type AddTeamMemberInput = z.infer<typeof AddTeamMemberSchema>;
export type ChangeRoleInput = z.infer<typeof ChangeRoleSchema>;
export type RemoveTeamMemberInput = z.infer<typeof RemoveTeamMemberSchema>;

/** The portal setting "Team members must use a passkey": the toggle's button sends on or off. */
export const SetPasskeysRequiredSchema = z.strictObject({
  required: z.enum(["on", "off"], { message: "Choose on or off" }).transform((value) => value === "on"),
});

export const ResetTeamPasskeysSchema = z.strictObject({
  memberId: RecordIdSchema,
});

export type SetPasskeysRequiredInput = z.infer<typeof SetPasskeysRequiredSchema>;
export type ResetTeamPasskeysInput = z.infer<typeof ResetTeamPasskeysSchema>;
