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

    static final String OUTBOUND = "liaison.outbound";
    static final String SEALED = "liaison.sealed";
    static final String INBOUND = "liaison.inbound";
    static final String FORWARDS = "liaison.forwards";

    private ExchangeHeaders() {
    }
}
