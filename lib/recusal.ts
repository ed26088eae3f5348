// Kept only while features/members/mutations.ts and features/member-requests/judgement.ts
// (both being rewritten by others as this lands) still import it from here; recusal is
// domain logic and lives in features/recusal/rules.ts. Delete this file once they import that.
export { isRecused, memberRecusalDomains, recusalDomains } from "@/features/recusal/rules";
