package fr.liaison.routes.exchange;

/** Where a message stands, as the institution's software sees it. */
public enum MessageStatus {
    /** Outbound: validated, consent checked, queued for sealing and delivery. */
    ACCEPTED,
    /** Outbound: refused before anything left the node (the code says why). */
    REFUSED,
    /** Outbound: sealed and handed to the recipient node; its receipt is awaited. */
    SENT,
    /** Outbound: the recipient node's signed receipt was verified. Inbound: handed to local software. */
    DELIVERED,
    /** Outbound: the recipient node refused it, or delivery failed after the last retry. */
    FAILED,
    /** Inbound: opened, verified and queued for the local software. */
    RECEIVED,
    /** Inbound: refused (the code says why); nothing reached the local software. */
    REJECTED,
    /** Inbound: withdrawn before delivery because its consent was revoked. */
    WITHDRAWN
}
