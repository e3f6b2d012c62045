package fr.liaison.routes.exchange;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

/**
 * The recipient node's signed rejection ({@code GW-EXCHANGE-006}), with the code it gave: the
 * message's history shows that code on the step that ended it, so the sender's software learns
 * what to correct (a consent, a convention, the message) without asking the recipient.
 */
public final class PeerRefusal extends LiaisonException {

    private final String recipientCode;

    public PeerRefusal(String recipientCode) {
        this(catalogued(recipientCode));
    }

    private PeerRefusal(ErrorCode recipientCode) {
        super(ErrorCode.EXCHANGE_PEER_REFUSED, "recipient node answered " + (recipientCode == null ? "an unknown code" : recipientCode.code()));
        this.recipientCode = recipientCode == null ? null : recipientCode.code();
    }

    /**
     * The catalogue code of the recipient's rejection receipt; null when the receipt named no code of
     * the catalogue (another node's text is never stored, logged or passed on as it came).
     */
    public String recipientCode() {
        return recipientCode;
    }

    private static ErrorCode catalogued(String code) {
        for (ErrorCode each : ErrorCode.values()) {
            if (each.code().equals(code)) {
                return each;
            }
        }
        return null;
    }
}
