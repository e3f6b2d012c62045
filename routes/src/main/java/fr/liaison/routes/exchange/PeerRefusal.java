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
        super(ErrorCode.EXCHANGE_PEER_REFUSED, "recipient node answered " + recipientCode);
        this.recipientCode = recipientCode;
    }

    /** The catalogue code of the recipient's rejection receipt. */
    public String recipientCode() {
        return recipientCode;
    }
}
