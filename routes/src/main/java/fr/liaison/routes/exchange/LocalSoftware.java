package fr.liaison.routes.exchange;

/** The institution's own software, for nodes configured to push deliveries to it. */
public interface LocalSoftware {

    /** Whether deliveries are pushed (a webhook is configured) rather than left in the inbox. */
    boolean pushes();

    /**
     * Pushes one delivered message.
     *
     * @throws fr.liaison.schemas.error.LiaisonException when the software did not answer 2xx: retried
     */
    void push(String messageId, String messageType, byte[] xml);

    /**
     * Pushes a notice of this node about a referral (a reminder, its expiry) as JSON; {@code notice}
     * names it, e.g. {@code REFERRAL_REMINDER}. By default handed over as {@link #push} does; a
     * webhook labels it as JSON.
     *
     * @throws fr.liaison.schemas.error.LiaisonException when the software did not answer 2xx
     */
    default void pushNotice(String referralId, String notice, byte[] json) {
        push(referralId, notice, json);
    }
}
