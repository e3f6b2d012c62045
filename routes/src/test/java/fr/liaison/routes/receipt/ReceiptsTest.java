package fr.liaison.routes.receipt;

import fr.liaison.routes.signing.SignedContent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ReceiptsTest {

    private static final String MESSAGE_ID = "3f2b8c1e-7d4a-4e9b-9c2f-1a5e6d7c8b90";
    private static final byte[] ENVELOPE = "fictitious envelope bytes".getBytes(StandardCharsets.US_ASCII);
    private static final Instant RECEIVED = Instant.parse("2025-03-10T09:15:02.123Z");

    private final Directory directory = DevNetwork.directory();
    private final ParticipantKeys ft29 = DevNetwork.keys("FT-29");
    private final ParticipantKeys cd29 = DevNetwork.keys("CD-29");

    private static Receipt accepted() {
        return new Receipt(MESSAGE_ID, "CCAS-29232", "FT-29", Receipts.sha256Hex(ENVELOPE), RECEIVED, Receipt.Outcome.ACCEPTED, null);
    }

    private ErrorCode codeOf(byte[] signed, String expectedSigner, String expectedMessageId, byte[] envelope) {
        try {
            Receipts.verify(signed, directory, expectedSigner, expectedMessageId, envelope);
        } catch (LiaisonException e) {
            return e.code();
        }
        return null;
    }

    @Test
    void verifiesAReceiptSignedByTheRecipient() {
        byte[] signed = Receipts.sign(accepted(), ft29);
        assertThat(Receipts.verify(signed, directory, "FT-29", MESSAGE_ID, ENVELOPE)).isEqualTo(accepted());
    }

    @Test
    void verifiesARejectionWithItsCode() {
        Receipt rejected = new Receipt(MESSAGE_ID, "CCAS-29232", "FT-29", Receipts.sha256Hex(ENVELOPE), RECEIVED,
                Receipt.Outcome.REJECTED, "GW-EXCHANGE-001");
        assertThat(Receipts.verify(Receipts.sign(rejected, ft29), directory, "FT-29", MESSAGE_ID, ENVELOPE)).isEqualTo(rejected);
    }

    @Test
    void signsACanonicalJsonWithAFixedMemberOrder() {
        assertThat(new String(Receipts.json(accepted()), StandardCharsets.UTF_8)).isEqualTo(
                "{\"type\":\"liaison-receipt/1\",\"messageId\":\"" + MESSAGE_ID + "\",\"sender\":\"CCAS-29232\","
                        + "\"recipient\":\"FT-29\",\"envelopeSha256\":\"" + Receipts.sha256Hex(ENVELOPE) + "\","
                        + "\"receivedAt\":\"2025-03-10T09:15:02.123Z\",\"outcome\":\"ACCEPTED\",\"errorCode\":null}");
    }

    @Test
    void refusesAReceiptSignedByAnotherParticipant() {
        // CD-29 is trusted, but the envelope went to FT-29.
        byte[] forged = SignedContent.sign(Receipts.json(accepted()), cd29);
        assertThat(codeOf(forged, "FT-29", MESSAGE_ID, ENVELOPE)).isEqualTo(ErrorCode.EXCHANGE_RECEIPT_INVALID);
    }

    @Test
    void refusesAReceiptFromAnotherRecipientThanExpected() {
        byte[] signed = Receipts.sign(accepted(), ft29);
        assertThat(codeOf(signed, "CD-29", MESSAGE_ID, ENVELOPE)).isEqualTo(ErrorCode.EXCHANGE_RECEIPT_INVALID);
        assertThat(codeOf(signed, "NOBODY-1", MESSAGE_ID, ENVELOPE)).isEqualTo(ErrorCode.EXCHANGE_RECEIPT_INVALID);
    }

    @Test
    void refusesAReceiptNamingAnotherRecipientThanItsSigner() {
        Receipt forCd29 = new Receipt(MESSAGE_ID, "CCAS-29232", "CD-29", Receipts.sha256Hex(ENVELOPE), RECEIVED,
                Receipt.Outcome.ACCEPTED, null);
        byte[] signedByFt = SignedContent.sign(Receipts.json(forCd29), ft29);
        assertThat(codeOf(signedByFt, "FT-29", MESSAGE_ID, ENVELOPE)).isEqualTo(ErrorCode.EXCHANGE_RECEIPT_INVALID);
    }

    @Test
    void refusesAReceiptSignedWithAnUntrustedOrRevokedCertificate() {
        for (String identity : List.of("TEST-ROGUE", "TEST-REVOKED", "TEST-EXPIRED", "TEST-UNLISTED")) {
            Receipt receipt = new Receipt(MESSAGE_ID, "CCAS-29232", identity, Receipts.sha256Hex(ENVELOPE), RECEIVED,
                    Receipt.Outcome.ACCEPTED, null);
            byte[] signed = Receipts.sign(receipt, DevNetwork.keys(identity));
            assertThat(codeOf(signed, identity, MESSAGE_ID, ENVELOPE)).as(identity).isEqualTo(ErrorCode.EXCHANGE_RECEIPT_INVALID);
        }
    }

    @Test
    void refusesAnAlteredReceipt() {
        byte[] signed = Receipts.sign(accepted(), ft29);
        List<String> notRefused = new ArrayList<>();
        for (int i = 0; i < signed.length; i++) {
            byte[] altered = signed.clone();
            altered[i] ^= 0x01;
            try {
                Receipts.verify(altered, directory, "FT-29", MESSAGE_ID, ENVELOPE);
                notRefused.add(i + ": accepted");
            } catch (LiaisonException e) {
                if (e.code() != ErrorCode.EXCHANGE_RECEIPT_INVALID) {
                    notRefused.add(i + ": " + e.code());
                }
            } catch (RuntimeException e) {
                notRefused.add(i + ": " + e);
            }
        }
        assertThat(notRefused).as("of %d bytes", signed.length).isEmpty();
    }

    @Test
    void refusesAReceiptForAnotherEnvelope() {
        byte[] signed = Receipts.sign(accepted(), ft29);
        byte[] other = ENVELOPE.clone();
        other[0] ^= 1;
        assertThat(codeOf(signed, "FT-29", MESSAGE_ID, other)).isEqualTo(ErrorCode.EXCHANGE_RECEIPT_INVALID);
    }

    @Test
    void refusesAReceiptForAnotherMessage() {
        byte[] signed = Receipts.sign(accepted(), ft29);
        assertThat(codeOf(signed, "FT-29", "5e0a9c8b-2f41-4d7e-8b6a-0c1d2e3f4a5b", ENVELOPE))
                .isEqualTo(ErrorCode.EXCHANGE_RECEIPT_INVALID);
    }

    @Test
    void refusesContentThatIsNotTheCanonicalJson() {
        String canonical = new String(Receipts.json(accepted()), StandardCharsets.UTF_8);
        List<String> variants = List.of(
                canonical.replace(",", ", "),
                canonical.replace("{\"type\":\"liaison-receipt/1\",", "{").replace("}", ",\"type\":\"liaison-receipt/1\"}"),
                canonical.replace(",\"errorCode\":null", ""),
                canonical.replace("}", ",\"extra\":1}"),
                canonical.replace("liaison-receipt/1", "other/1"),
                canonical.replace("\"outcome\":\"ACCEPTED\"", "\"outcome\":\"accepted\""),
                canonical.replace("ACCEPTED\",\"errorCode\":null", "ACCEPTED\",\"errorCode\":\"GW-EXCHANGE-001\""),
                canonical.replace("\"FT-29\"", "\"FT\\u002d29\""),
                canonical.replace(".123Z", ".1230Z"),
                "[" + canonical + "]",
                "not json");
        for (String variant : variants) {
            byte[] signed = SignedContent.sign(variant.getBytes(StandardCharsets.UTF_8), ft29);
            assertThat(codeOf(signed, "FT-29", MESSAGE_ID, ENVELOPE)).as(variant).isEqualTo(ErrorCode.EXCHANGE_RECEIPT_INVALID);
        }
    }

    @Test
    void refusesGarbage() {
        assertThat(codeOf(new byte[0], "FT-29", MESSAGE_ID, ENVELOPE)).isEqualTo(ErrorCode.EXCHANGE_RECEIPT_INVALID);
        assertThat(codeOf(null, "FT-29", MESSAGE_ID, ENVELOPE)).isEqualTo(ErrorCode.EXCHANGE_RECEIPT_INVALID);
        assertThat(codeOf(ENVELOPE, "FT-29", MESSAGE_ID, ENVELOPE)).isEqualTo(ErrorCode.EXCHANGE_RECEIPT_INVALID);
        assertThat(codeOf(new byte[Receipts.MAX_BYTES + 1], "FT-29", MESSAGE_ID, ENVELOPE))
                .isEqualTo(ErrorCode.EXCHANGE_RECEIPT_INVALID);
    }

    @Test
    void onlyTheRecipientSignsAReceipt() {
        assertThatThrownBy(() -> Receipts.sign(accepted(), cd29)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void receiptOutcomeAndErrorCodeAgree() {
        assertThatThrownBy(() -> new Receipt(MESSAGE_ID, "A", "B", "00", RECEIVED, Receipt.Outcome.REJECTED, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Receipt(MESSAGE_ID, "A", "B", "00", RECEIVED, Receipt.Outcome.ACCEPTED, "GW-API-007"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hashesWithSha256InLowercaseHex() {
        assertThat(Receipts.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
