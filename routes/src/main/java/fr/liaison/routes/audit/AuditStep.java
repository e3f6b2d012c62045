package fr.liaison.routes.audit;

/** What happened to a message or a consent at this node; one audit entry per step. */
public enum AuditStep {
    /** The local API accepted a message for sending (consent gate passed). */
    ACCEPTED,
    /** The local API refused a message (validation or consent gate). */
    REFUSED,
    /** The envelope left this node. */
    SENT,
    /** An envelope arrived from another node. */
    RECEIVED,
    /** An arriving envelope or message was refused. */
    REJECTED,
    /** A received message was handed to the local software. */
    DELIVERED,
    /** The recipient's signed receipt was checked. */
    RECEIPT_VERIFIED,
    /** Delivery to the recipient node is retried. */
    RETRIED,
    /** One delivery attempt failed. */
    FAILED,
    /** Delivery gave up after the last retry. */
    DEAD_LETTERED,
    /** A consent was recorded with its signed proof. */
    CONSENT_RECORDED,
    /** A consent was revoked by the institution that recorded it. */
    CONSENT_REVOKED,
    /** Another node's revocation of a consent arrived. */
    REVOCATION_RECEIVED,
    /** Someone read the audit log (reading is audited too). */
    LOG_READ,
    /** The recipient of an unanswered referral was reminded of it. */
    REFERRAL_REMINDED,
    /** A referral reached its deadline unanswered. */
    REFERRAL_EXPIRED,
    /** A security officer put a failed outbound message back on the delivery queue. */
    RESUBMITTED,
    /** A message received again from its sender: acknowledged with a receipt, not delivered again. */
    DUPLICATE
}
