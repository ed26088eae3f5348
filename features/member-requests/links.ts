import { linkKind } from "@/lib/mailed-link";

/** The link that confirms an address a member's change request adds; closed with its request. */
export const ADDRESS_CONFIRMATION_LINK = linkKind({
  table: "AddressConfirmation",
  load: (tx, id) =>
    tx.addressConfirmation.findUniqueOrThrow({
      where: { id },
      include: { request: { include: { confirmations: true, member: true } } },
    }),
  used: (link) => link.confirmedAt !== null,
  expired: (link, now) => link.expiresAt <= now,
  closed: (link) => link.request.status !== "PENDING",
  answers: {
    unknown: "This link is not valid. Ask the member's contact to request the change again.",
    used: "This link was already used: the address is confirmed. Nothing more to do.",
    expired: "This link has expired. Ask the member's contact to request the change again.",
    closed: "This request is closed; nothing was changed.",
  },
});

/** The link by which a proposed new contact accepts a handover; closed once it is decided or replaced. */
export const HANDOVER_LINK = linkKind({
  table: "ContactHandover",
  load: (tx, id) => tx.contactHandover.findUniqueOrThrow({ where: { id }, include: { member: true } }),
  used: (link) => link.confirmedAt !== null,
  expired: (link, now) => link.expiresAt <= now,
  closed: (link) => link.status !== "PENDING",
  answers: {
    unknown: "This link is not valid.",
    used: "This link was already used. A reviewer will decide the handover.",
    expired: "This link has expired. Ask the current contact to start again.",
    closed: "This handover is closed; nothing was changed.",
  },
});
