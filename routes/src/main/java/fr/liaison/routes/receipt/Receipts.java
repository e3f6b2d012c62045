package fr.liaison.routes.receipt;

import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.Participant;
import fr.liaison.routes.signing.SignedContent;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Signed receipts: the proof, kept by the sender, that the recipient node got exactly this
 * envelope and accepted or rejected it. The content is a small JSON document with a fixed member
 * order, signed as CMS SignedData (content attached) with the recipient's signing key. A receipt
 * is accepted only if its JSON is exactly what this class would write for the same values, so no
 * two encodings of one receipt exist.
 */
public final class Receipts {

    /** Distinguishes a receipt from any other JSON document a participant might sign. */
    static final String TYPE = "liaison-receipt/1";

    /** A receipt is a few hundred bytes; anything far bigger is not one. */
    static final int MAX_BYTES = 64 * 1024;

    private static final List<String> MEMBERS = List.of("type", "messageId", "sender", "recipient", "envelopeSha256",
            "receivedAt", "outcome", "errorCode");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Receipts() {
    }

    /**
     * Signs a receipt as the receiving node.
     *
     * @throws IllegalArgumentException if {@code signer} is not the receipt's recipient
     */
    public static byte[] sign(Receipt receipt, ParticipantKeys signer) {
        Objects.requireNonNull(receipt, "receipt");
        if (!signer.participantId().equals(receipt.recipient())) {
            throw new IllegalArgumentException("a receipt is signed by its recipient " + receipt.recipient()
                    + ", not " + signer.participantId());
        }
        return SignedContent.sign(json(receipt), signer);
    }

    /**
     * Checks a receipt returned for {@code envelope}.
     *
     * @param expectedSigner the participant the envelope was sent to
     * @param expectedMessageId the id of the message the envelope carried
     * @param envelope the envelope exactly as sent
     * @throws LiaisonException EXCHANGE_RECEIPT_INVALID, the detail naming the failed check
     */
    public static Receipt verify(byte[] signedReceipt, Directory directory, String expectedSigner,
            String expectedMessageId, byte[] envelope) {
        Objects.requireNonNull(expectedSigner, "expectedSigner");
        Objects.requireNonNull(expectedMessageId, "expectedMessageId");
        Objects.requireNonNull(envelope, "envelope");
        SignedContent.Verified verified = SignedContent.verify(signedReceipt, MAX_BYTES, directory.trust(),
                ErrorCode.EXCHANGE_RECEIPT_INVALID);
        Optional<Participant> recipient = directory.find(expectedSigner);
        if (recipient.isEmpty() || !recipient.get().signsOrSignedWith(verified.signer())) {
            String actual = directory.bySigningCertificate(verified.signer()).map(Participant::id).orElse("an unlisted certificate");
            throw invalid("signed by " + actual + ", expected " + expectedSigner);
        }
        Receipt receipt = parse(verified.content());
        if (!expectedSigner.equals(receipt.recipient())) {
            throw invalid("receipt names " + receipt.recipient() + " as recipient, expected " + expectedSigner);
        }
        if (!expectedMessageId.equals(receipt.messageId())) {
            throw invalid("receipt is for message " + receipt.messageId() + ", expected " + expectedMessageId);
        }
        String digest = sha256Hex(envelope);
        if (!MessageDigest.isEqual(digest.getBytes(StandardCharsets.US_ASCII),
                receipt.envelopeSha256().getBytes(StandardCharsets.US_ASCII))) {
            throw invalid("receipt is for another envelope");
        }
        return receipt;
    }

    /** Lowercase hex SHA-256. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    /** A new SHA-256 digest, for content read as it streams. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The signed content: UTF-8 JSON, members always present and always in this order. */
    static byte[] json(Receipt receipt) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", TYPE);
        node.put("messageId", receipt.messageId());
        node.put("sender", receipt.sender());
        node.put("recipient", receipt.recipient());
        node.put("envelopeSha256", receipt.envelopeSha256());
        node.put("receivedAt", receipt.receivedAt().toString());
        node.put("outcome", receipt.outcome().name());
        if (receipt.errorCode() == null) {
            node.putNull("errorCode");
        } else {
            node.put("errorCode", receipt.errorCode());
        }
        return JSON.writeValueAsBytes(node);
    }

    static Receipt parse(byte[] content) {
        Receipt receipt;
        try {
            JsonNode node = JSON.readTree(content);
            if (node == null || !node.isObject() || node.size() != MEMBERS.size()
                    || !List.copyOf(node.propertyNames()).equals(MEMBERS)) {
                throw invalid("content is not a receipt");
            }
            if (!TYPE.equals(string(node, "type"))) {
                throw invalid("content is not a " + TYPE + " receipt");
            }
            receipt = new Receipt(string(node, "messageId"), string(node, "sender"), string(node, "recipient"),
                    string(node, "envelopeSha256"), Instant.parse(string(node, "receivedAt")),
                    Receipt.Outcome.valueOf(string(node, "outcome")), string(node, "errorCode"));
        } catch (LiaisonException e) {
            throw e;
        } catch (RuntimeException e) { // JacksonException included: Jackson 3 exceptions are unchecked
            throw invalid("unreadable receipt content");
        }
        // One encoding only: whitespace, escapes or number forms that differ are refused.
        if (!Arrays.equals(json(receipt), content)) {
            throw invalid("receipt content is not in canonical form");
        }
        return receipt;
    }

    private static String string(JsonNode node, String member) {
        JsonNode value = node.get(member);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw invalid(member + " must be a string");
        }
        return value.stringValue();
    }

    private static LiaisonException invalid(String detail) {
        return new LiaisonException(ErrorCode.EXCHANGE_RECEIPT_INVALID, detail);
    }
}
