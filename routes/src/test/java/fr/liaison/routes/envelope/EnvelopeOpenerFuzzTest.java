package fr.liaison.routes.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.nio.ByteBuffer;
import java.util.Set;

/**
 * The opener on arbitrary bytes, seeded with real envelopes between development participants
 * ({@link EnvelopeSeeds}): it either opens an envelope to a content its signer sealed, or refuses
 * with a code of the envelope or signature families. Any other exception (a raw Bouncy Castle or
 * JCA exception, NullPointerException, ClassCastException...), a hang (libFuzzer's timeout) or
 * running out of the fork's heap is a finding.
 */
class EnvelopeOpenerFuzzTest {

    private static final EnvelopeOpener FT_29 = new EnvelopeOpener(DevNetwork.keys("FT-29"), DevNetwork.directory());
    private static final EnvelopeOpener TEST_RSA = new EnvelopeOpener(DevNetwork.keys("TEST-RSA"), DevNetwork.directory());
    private static final Set<ByteBuffer> SEALED_CONTENTS = EnvelopeSeeds.sealedContents();

    @FuzzTest(maxDuration = "15s")
    void opensOnlySealedContentAndRefusesTheRestWithACode(byte[] envelope) {
        OpenedEnvelope opened;
        try {
            opened = open(envelope);
        } catch (LiaisonException refusal) {
            assertThat(refusal.code()).isIn(OpenerRefusals.CODES);
            return;
        }
        assertThat(SEALED_CONTENTS).contains(ByteBuffer.wrap(opened.content()));
    }

    /** As FT-29 (ECDH key agreement), then, if the envelope is not for it, as TEST-RSA (RSA-OAEP). */
    private static OpenedEnvelope open(byte[] envelope) {
        try {
            return FT_29.open(envelope);
        } catch (LiaisonException refusal) {
            if (refusal.code() != ErrorCode.ENVELOPE_NOT_FOR_RECIPIENT) {
                throw refusal;
            }
            return TEST_RSA.open(envelope);
        }
    }
}
