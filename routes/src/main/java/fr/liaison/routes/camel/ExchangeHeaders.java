package fr.liaison.routes.camel;

/** Names of the Camel headers and properties the exchange routes share with their callers. */
public final class ExchangeHeaders {

    /** The local client (or "node" for what the node sends on its own) behind a submission. */
    public static final String CLIENT = "LiaisonClient";
    /** The participant the inter-node TLS connection authenticated. */
    public static final String TRANSPORT_SENDER = "LiaisonTransportSender";
    /** The message id a sending node announces with its envelope, echoed in a rejection receipt. */
    public static final String CLAIMED_MESSAGE_ID = "LiaisonClaimedMessageId";
    /** Set on the inbound reply: true when the envelope was rejected. */
    public static final String REJECTED = "LiaisonRejected";

    /** Tries made so far to deliver a queued outbound message. */
    static final String TRIES_MADE = "LiaisonTriesMade";
    /**
     * When the broker may hand a queue entry out again (epoch milliseconds): ActiveMQ Artemis's
     * scheduled delivery. A broker that ignores it redelivers at once, still within the tries allowed.
     */
    public static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";
    /**
     * ActiveMQ Artemis's duplicate detection id: a message id put on a queue a second time (by the
     * recovery after a restart) is dropped by the broker when the first put went through.
     */
    public static final String DUPLICATE_DETECTION_ID = "_AMQ_DUPL_ID";
    static final String OUTBOUND = "liaison.outbound";
    static final String SEALED = "liaison.sealed";
    static final String INBOUND = "liaison.inbound";
    static final String FORWARDS = "liaison.forwards";
    static final String RECEIPT_GIVEN = "liaison.receipt-given";
    static final String RECEIPT = "liaison.receipt";

    private ExchangeHeaders() {
    }
}
