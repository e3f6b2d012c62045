package fr.liaison.schemas;

import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.MessageHeader;
import fr.liaison.schemas.v1.MessageType;
import java.util.Objects;

/**
 * A message that passed every check (XSD and message rules). The JAXB object is mutable by nature:
 * treat it as read-only; {@link #canonicalXml()} is what was validated.
 */
public final class ValidatedMessage {

    private final LiaisonMessage message;
    private final MessageFormat sourceFormat;
    private final byte[] canonicalXml;

    ValidatedMessage(LiaisonMessage message, MessageFormat sourceFormat, byte[] canonicalXml) {
        this.message = Objects.requireNonNull(message);
        this.sourceFormat = Objects.requireNonNull(sourceFormat);
        this.canonicalXml = canonicalXml.clone();
    }

    /** The JAXB root object ({@code Referral}, {@code Consent}, ...). */
    public LiaisonMessage message() {
        return message;
    }

    /** The JAXB root object as the given type. */
    public <T extends LiaisonMessage> T message(Class<T> type) {
        return type.cast(message);
    }

    public MessageHeader header() {
        return message.getHeader();
    }

    public MessageType messageType() {
        return message.getHeader().getMessageType();
    }

    /** The form the message arrived in. */
    public MessageFormat sourceFormat() {
        return sourceFormat;
    }

    /** The message as XML, UTF-8, as written by this library: equal content gives equal bytes. */
    public byte[] canonicalXml() {
        return canonicalXml.clone();
    }
}
