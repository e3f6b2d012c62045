package fr.liaison.gateway.cli;

import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.v1.Consent;
import fr.liaison.schemas.v1.DataCategory;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.MessageHeader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Fresh messages made from the committed samples (fictitious people): a new message id and
 * creation time, and the routing the caller asks for, so that they pass the replay window and
 * the consent dates of today. For the demo and the tests, never for real data.
 */
public final class SampleMessages {

    private final Path samples;
    private final MessageCodec codec = MessageCodec.v1();
    private final Clock clock;

    public SampleMessages(Path samples, Clock clock) {
        this.samples = samples;
        this.clock = clock;
    }

    /** A consent recorded by {@code recorder}, valid from a minute ago for a year. */
    public byte[] consent(String consentId, String recorder, List<String> recipients, List<DataCategory> categories) {
        Consent consent = (Consent) read("consent.xml");
        fresh(consent.getHeader(), recorder, null, consentId, null);
        OffsetDateTime now = now();
        consent.setConsentId(consentId);
        consent.setAllowedRecipients(recipients);
        consent.setAllowedDataCategories(categories);
        consent.setGrantedAt(now.minusMinutes(1));
        consent.setExpiresAt(now.plus(Duration.ofDays(365)));
        consent.getCollectedBy().setParticipant(recorder);
        return codec.toXml(consent);
    }

    /** The sample {@code file} (e.g. referral.xml) from {@code sender} to {@code recipient} under the consent. */
    public Fresh message(String file, String sender, String recipient, String consentId, String correlationId) {
        LiaisonMessage message = read(file);
        String messageId = fresh(message.getHeader(), sender, recipient, consentId, correlationId);
        return new Fresh(messageId, codec.toXml(message));
    }

    /** A message and its new id. */
    public record Fresh(String messageId, byte[] xml) {
    }

    private String fresh(MessageHeader header, String sender, String recipient, String consentId, String correlationId) {
        String messageId = UUID.randomUUID().toString();
        header.setMessageId(messageId);
        header.setCreatedAt(now());
        header.setSender(sender);
        header.setRecipient(recipient);
        header.setConsentRef(consentId);
        header.setCorrelationId(correlationId);
        return messageId;
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC).withNano(0);
    }

    private LiaisonMessage read(String file) {
        try {
            return codec.read(Files.readAllBytes(samples.resolve("v1/valid").resolve(file)), MessageFormat.XML).message();
        } catch (IOException e) {
            throw new UncheckedIOException("sample " + file, e);
        }
    }
}
