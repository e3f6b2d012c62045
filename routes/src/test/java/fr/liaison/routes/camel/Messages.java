package fr.liaison.routes.camel;

import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.v1.Consent;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.MessageHeader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/** Fresh messages made from the v1 samples: new ids, created now, between the participants a test names. */
final class Messages {

    private Messages() {
    }

    static LiaisonMessage sample(String name) {
        try {
            byte[] bytes = Files.readAllBytes(DevNetwork.samples().resolve("v1/valid").resolve(name));
            return TestNode.CODEC.read(bytes, MessageFormat.XML).message();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A sample message with a new id, created now, from {@code sender} to {@code recipient} under {@code consentRef}. */
    static byte[] fresh(String sample, String sender, String recipient, String consentRef) {
        return fresh(sample, sender, recipient, consentRef, header -> { });
    }

    static byte[] fresh(String sample, String sender, String recipient, String consentRef, Consumer<MessageHeader> adjust) {
        LiaisonMessage message = sample(sample);
        MessageHeader header = message.getHeader();
        header.setMessageId(UUID.randomUUID().toString());
        header.setCreatedAt(now());
        header.setSender(sender);
        header.setRecipient(recipient);
        header.setConsentRef(consentRef);
        adjust.accept(header);
        return TestNode.CODEC.toXml(message);
    }

    /** The sample consent, fresh, collected and sent by {@code recorder}, valid from a minute ago for a year. */
    static byte[] consent(String recorder, String... recipients) {
        Consent consent = (Consent) sample("consent.xml");
        String consentId = UUID.randomUUID().toString();
        OffsetDateTime now = now();
        consent.setConsentId(consentId);
        consent.setGrantedAt(now.minusMinutes(1));
        consent.setExpiresAt(now.plusYears(1));
        consent.getCollectedBy().setParticipant(recorder);
        if (recipients.length > 0) {
            consent.setAllowedRecipients(List.of(recipients));
        }
        MessageHeader header = consent.getHeader();
        header.setMessageId(UUID.randomUUID().toString());
        header.setCreatedAt(now);
        header.setSender(recorder);
        header.setRecipient(recorder.equals("FT-29") ? "CD-29" : "FT-29");
        header.setConsentRef(consentId);
        return TestNode.CODEC.toXml(consent);
    }

    static String messageId(byte[] xml) {
        return TestNode.CODEC.read(xml, MessageFormat.XML).message().getHeader().getMessageId();
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
    }
}
