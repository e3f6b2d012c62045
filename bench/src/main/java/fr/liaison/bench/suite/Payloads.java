package fr.liaison.bench.suite;

import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.v1.Consent;
import fr.liaison.schemas.v1.DataCategory;
import fr.liaison.schemas.v1.KnownBarrier;
import fr.liaison.schemas.v1.Referral;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * The payloads every part of the bench carries: a referral of the committed sample (a fictitious
 * person) padded to exactly 4 KiB of XML, valid against schema v1, and a 64 KiB document made of
 * sixteen such referrals. The 4 KiB referral is what Liaison carries; schema v1 caps a referral's
 * free text (2,000 + 9 x 500 characters), so no single valid message reaches 64 KiB and that size
 * is measured on the ceiling and the WS-Security baseline only.
 */
final class Payloads {

    static final int SMALL = 4096;
    static final int LARGE = 65536;

    /** Fixed-width placeholders, replaced per message without changing the size. */
    private static final String ID_PLACEHOLDER = "00000000-0000-4000-8000-000000000000";
    private static final OffsetDateTime TIME_PLACEHOLDER = OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter.ofPattern(
            "uuuu-MM-dd'T'HH:mm:ssXXX", java.util.Locale.ROOT);

    private final MessageCodec codec = MessageCodec.v1();
    private final Path samples;
    private final String sender;
    private final String recipient;
    private final String referralTemplate;
    private final String timePlaceholder;

    Payloads(Path samples, String sender, String recipient) {
        this.samples = samples;
        this.sender = sender;
        this.recipient = recipient;
        this.referralTemplate = paddedReferral(ID_PLACEHOLDER, SMALL);
        // The codec's own rendering of the placeholder time; each message's time is written the same way.
        this.timePlaceholder = referralTemplate.substring(referralTemplate.indexOf("<createdAt>") + "<createdAt>".length(),
                referralTemplate.indexOf("</createdAt>"));
        if (!timePlaceholder.equals(format(TIME_PLACEHOLDER))) {
            throw new IllegalStateException("unexpected time rendering " + timePlaceholder);
        }
    }

    /** The 4 KiB referral as the sender's software submits it, under {@code consentId}. */
    byte[] referral(String messageId, String consentId, Instant createdAt) {
        String xml = referralTemplate.replace(ID_PLACEHOLDER + "</messageId>", messageId + "</messageId>")
                .replace(ID_PLACEHOLDER + "</consentRef>", consentId + "</consentRef>")
                .replace(timePlaceholder, format(createdAt.atOffset(ZoneOffset.UTC)));
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        if (bytes.length != SMALL) {
            throw new IllegalStateException("referral of " + bytes.length + " bytes");
        }
        return bytes;
    }

    /** A payload of exactly {@code size} bytes (4 KiB: one referral; 64 KiB: sixteen, in one document). */
    byte[] document(int size) {
        byte[] one = referral(UUID.randomUUID().toString(), UUID.randomUUID().toString(), Instant.now());
        if (size == SMALL) {
            return one;
        }
        String body = new String(one, StandardCharsets.UTF_8).replaceFirst("^<\\?xml[^>]*\\?>\\s*", "");
        StringBuilder document = new StringBuilder("<Referrals xmlns=\"urn:liaison:bench\">");
        String end = "</Referrals>";
        while (document.length() + body.length() + end.length() <= size) {
            document.append(body);
        }
        int room = size - document.toString().getBytes(StandardCharsets.UTF_8).length - end.length();
        document.append(" ".repeat(Math.max(0, room))).append(end);
        byte[] bytes = document.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length != size) {
            throw new IllegalStateException("document of " + bytes.length + " bytes");
        }
        return bytes;
    }

    /** A consent recorded by the sender for the sample person, naming the recipient, valid for a year. */
    byte[] consent(String consentId) {
        Consent consent = (Consent) read("consent.xml");
        OffsetDateTime now = Instant.now().truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC);
        consent.getHeader().setMessageId(UUID.randomUUID().toString());
        consent.getHeader().setCreatedAt(now);
        consent.getHeader().setSender(sender);
        consent.getHeader().setRecipient(null);
        consent.getHeader().setConsentRef(consentId);
        consent.setConsentId(consentId);
        consent.setAllowedRecipients(List.of(recipient));
        consent.setAllowedDataCategories(List.of(DataCategory.IDENTITY, DataCategory.BARRIER_MOBILITE, DataCategory.BARRIER_LOGEMENT));
        consent.setGrantedAt(now.minusMinutes(1));
        consent.setExpiresAt(now.plus(Duration.ofDays(365)));
        consent.getCollectedBy().setParticipant(sender);
        return codec.toXml(consent);
    }

    private String paddedReferral(String placeholderId, int size) {
        Referral referral = (Referral) read("referral.xml");
        referral.getHeader().setMessageId(placeholderId);
        referral.getHeader().setConsentRef(placeholderId);
        referral.getHeader().setCreatedAt(TIME_PLACEHOLDER);
        referral.getHeader().setSender(sender);
        referral.getHeader().setRecipient(recipient);
        referral.setRequestedAnswerDate(referral.getRequestedAnswerDate());
        // Free text grows to what a detailed referral holds; the reason takes the last bytes.
        for (KnownBarrier barrier : referral.getBarriers()) {
            barrier.setComment(fill(barrier.getComment(), 480));
        }
        String reason = referral.getReason();
        for (int attempt = 0; attempt < 4; attempt++) {
            int length = codec.toXml(referral).length;
            int target = reason.length() + (size - length);
            if (target > 2000) {
                throw new IllegalStateException("a referral of " + size + " bytes needs more free text than schema v1 allows");
            }
            reason = fill(referral.getReason(), target);
            referral.setReason(reason);
            if (codec.toXml(referral).length == size) {
                String xml = new String(codec.toXml(referral), StandardCharsets.UTF_8);
                codec.read(xml.getBytes(StandardCharsets.UTF_8), MessageFormat.XML); // still valid
                return xml;
            }
        }
        throw new IllegalStateException("could not pad the referral to " + size + " bytes");
    }

    private static String fill(String text, int length) {
        String filler = " Situation suivie en entretien, elements transmis avec l'accord de la personne.";
        StringBuilder out = new StringBuilder(text);
        while (out.length() < length) {
            out.append(filler);
        }
        return out.substring(0, length).stripTrailing() + ".".repeat(length - out.substring(0, length).stripTrailing().length());
    }

    private static String format(OffsetDateTime time) {
        return TIME.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }

    private fr.liaison.schemas.v1.LiaisonMessage read(String file) {
        try {
            return codec.read(Files.readAllBytes(samples.resolve("v1/valid").resolve(file)), MessageFormat.XML).message();
        } catch (IOException e) {
            throw new UncheckedIOException("sample " + file, e);
        }
    }
}
