package fr.liaison.routes.exchange;

import fr.liaison.routes.consent.ConsentRecord;
import fr.liaison.routes.directory.Participant;
import fr.liaison.schemas.v1.LiaisonMessage;

/**
 * A message the local software submitted, as it moves through the outbound steps. Mutable on
 * purpose: each step adds what it learnt (the recipient, the consent, the minimised form).
 */
public final class OutboundMessage {

    private final LiaisonMessage message;
    private final String client;
    private Participant recipient;
    private String personHash;
    private ConsentRecord consent;
    private byte[] canonicalXml;

    OutboundMessage(LiaisonMessage message, String client) {
        this.message = message;
        this.client = client;
    }

    public LiaisonMessage message() {
        return message;
    }

    public String messageId() {
        return message.getHeader().getMessageId();
    }

    public String client() {
        return client;
    }

    public Participant recipient() {
        return recipient;
    }

    void recipient(Participant participant) {
        this.recipient = participant;
    }

    public String personHash() {
        return personHash;
    }

    void personHash(String hash) {
        this.personHash = hash;
    }

    public ConsentRecord consent() {
        return consent;
    }

    void consent(ConsentRecord record) {
        this.consent = record;
    }

    public byte[] canonicalXml() {
        return canonicalXml;
    }

    void canonicalXml(byte[] xml) {
        this.canonicalXml = xml;
    }
}
