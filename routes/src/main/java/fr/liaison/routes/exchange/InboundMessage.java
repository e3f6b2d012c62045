package fr.liaison.routes.exchange;

import fr.liaison.routes.envelope.OpenedEnvelope;
import fr.liaison.schemas.v1.LiaisonMessage;
import java.util.regex.Pattern;

/** An envelope received from another node, as it moves through the inbound steps. */
public final class InboundMessage {

    private static final Pattern UUID_SHAPE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final byte[] envelope;
    private final String transportSender;
    private final String claimedMessageId;
    private OpenedEnvelope opened;
    private LiaisonMessage message;
    private String personHash;
    private boolean duplicate;
    private byte[] acceptedReceipt;

    InboundMessage(byte[] envelope, String transportSender, String claimedMessageId) {
        this.envelope = envelope;
        this.transportSender = transportSender;
        this.claimedMessageId = claimedMessageId;
    }

    public byte[] envelope() {
        return envelope;
    }

    /** The participant whose TLS certificate the connection presented. */
    public String transportSender() {
        return transportSender;
    }

    /** Names a message that could not be identified (RFC 4122's nil UUID). */
    static final String UNIDENTIFIED = "00000000-0000-0000-0000-000000000000";

    /**
     * The message id as verified inside the envelope, else as the sender's request announced it,
     * else {@link #UNIDENTIFIED}.
     */
    public String messageId() {
        if (message != null) {
            return message.getHeader().getMessageId();
        }
        String claimed = plausibleMessageId(claimedMessageId);
        return claimed != null ? claimed : UNIDENTIFIED;
    }

    /**
     * A message id announced outside any signature (a request header), kept only when it has the
     * shape of one: anything else could not be recorded or logged as an id.
     */
    public static String plausibleMessageId(String claimed) {
        // The schema's Uuid: 8-4-4-4-12 lower-case hex digits.
        return claimed != null && UUID_SHAPE.matcher(claimed).matches() ? claimed : null;
    }

    public OpenedEnvelope opened() {
        return opened;
    }

    void opened(OpenedEnvelope value) {
        this.opened = value;
    }

    public LiaisonMessage message() {
        return message;
    }

    void message(LiaisonMessage value) {
        this.message = value;
    }

    public String personHash() {
        return personHash;
    }

    void personHash(String value) {
        this.personHash = value;
    }

    /** A second copy of a message this node already holds from the same sender, with the same content. */
    public boolean duplicate() {
        return duplicate;
    }

    void duplicate(boolean value) {
        this.duplicate = value;
    }

    /** The ACCEPTED receipt signed for this envelope, once accepted. */
    byte[] acceptedReceipt() {
        return acceptedReceipt;
    }

    void acceptedReceipt(byte[] receipt) {
        this.acceptedReceipt = receipt;
    }
}
