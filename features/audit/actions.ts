// Every kind of audit event the portal writes, with the words a timeline
// shows for it. recordAuditEvent accepts only these.

export const AUDIT_ACTIONS = {
  "auth.signed-in": "Signed in",
  "auth.signed-out": "Signed out",
  "team.added": "Added to the security team",
  "team.role-changed": "Role on the security team changed",
  "team.removed": "Removed from the security team",
  "team.owner-bootstrapped": "Made an owner by PORTAL_OWNERS",
  "application.created": "Draft started",
  "application.submitted": "Submitted",
  "application.resubmitted": "Resubmitted after changes",
  "application.in-review": "In review by the security team",
  "application.changes-requested": "Changes requested",
  "application.approved": "Approved",
  "application.rejected": "Rejected",
  "application.withdrawn": "Withdrawn",
  "application.reminded": "Reviewers reminded",
  "application.escalated": "Escalated to the owners",
  "application.seeded": "Imported with the demo data",
  "alias.verification-sent": "Confirmation link mailed to the security alias",
  "alias.verified": "Security alias verified",
  "vouch.requested": "Voucher asked to confirm",
  "vouch.confirmed": "Voucher confirmed",
  "vouch.declined": "Voucher declined",
  "review.voted": "Vote cast",
  "review.assessed": "Criteria assessed",
  "review.commented": "Comment added",
  "member.created": "Member added to the list",
  "member.seeded": "Member imported with the demo data",
  "member.removed": "Removed from the list",
  "member.reinstated": "Reinstated on the list",
  "member.removal-pending": "Removal pending: re-attestation lapsed",
  "member.breach-recorded": "Embargo breach recorded",
  "member.address-change-requested": "Address change requested",
  "member.address-confirmed": "Added address confirmed",
  "member.address-change-approved": "Address change approved",
  "member.address-change-rejected": "Address change rejected",
  "member.address-change-cancelled": "Address change cancelled",
  "member.handover-requested": "Contact handover requested",
  "member.handover-confirmed": "New contact confirmed",
  "member.handover-approved": "Contact handed over",
  "member.handover-rejected": "Contact handover rejected",
  "attestation.round-started": "Re-attestation round started",
  "attestation.requested": "Asked to re-attest",
  "attestation.reminded": "Reminded to re-attest",
  "attestation.confirmed": "Re-attested the criteria and policy",
  "attestation.lapsed": "Re-attestation lapsed",
  "attestation.extended": "Re-attestation extended",
  "attestation.reissued": "Re-attestation link sent to the new contact",
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

/** What an applicant's timeline shows (and a recused reviewer's): states and checks, nothing of the team's deliberation. */
export const APPLICANT_TIMELINE_ACTIONS = [
  "application.created",
  "application.submitted",
  "application.resubmitted",
  "alias.verification-sent",
  "alias.verified",
  "vouch.requested",
  "vouch.confirmed",
  "vouch.declined",
  "application.in-review",
  "application.changes-requested",
  "application.approved",
  "application.rejected",
  "application.withdrawn",
] as const satisfies readonly AuditAction[];

export function auditActionLabel(action: string): string {
  return AUDIT_ACTIONS[action as AuditAction] ?? action;
}
