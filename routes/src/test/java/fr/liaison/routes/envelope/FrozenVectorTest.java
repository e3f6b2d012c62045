package fr.liaison.routes.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.routes.testing.DevNetwork;

import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;

/**
 * An envelope sealed once with the development PKI and committed: opening it must keep working
 * byte for byte, whatever changes in the sealing code. Regenerating certs-dev means regenerating
 * this vector (see certs-dev/README.md).
 */
class FrozenVectorTest {

    @Test
    void opensTheCommittedReferralEnvelope() throws IOException {
        byte[] envelope = resource("/vectors/referral-CCAS-29232-to-FT-29.p7m");
        byte[] expected = resource("/vectors/referral-CCAS-29232-to-FT-29.xml");

        OpenedEnvelope opened = new EnvelopeOpener(DevNetwork.keys("FT-29"), DevNetwork.directory()).open(envelope, "CCAS-29232");

        assertThat(opened.content()).isEqualTo(expected);
        assertThat(opened.signingTime()).isNotNull();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = FrozenVectorTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
