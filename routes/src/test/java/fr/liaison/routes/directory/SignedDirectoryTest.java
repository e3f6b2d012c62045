package fr.liaison.routes.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.routes.keys.Pem;
import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class SignedDirectoryTest {

    private final Path certs = DevNetwork.certsDev();
    private final X509Certificate operator = Pem.certificate(certs.resolve("network-operator.crt.pem"));
    private final X509Certificate ca = Pem.certificate(certs.resolve("network-ca.crt.pem"));

    @Test
    void loadsTheDevelopmentNetworkWithItsSevenParticipantsAndPorts() {
        Directory directory = SignedDirectory.loadCertsDev(certs, Clock.systemUTC());

        assertThat(directory.network()).isEqualTo("liaison-dev");
        assertThat(directory.participants()).extracting(Participant::id).contains("FT-25", "CD-25", "FT-17", "CD-17",
                "FT-29", "CD-29", "CCAS-29232").doesNotContain("TEST-UNLISTED");
        Participant ft29 = directory.require("FT-29");
        assertThat(ft29.kind()).isEqualTo(ParticipantKind.FRANCE_TRAVAIL);
        assertThat(ft29.localApi().getPort()).isEqualTo(8085);
        assertThat(ft29.exchangeEndpoint().getPort()).isEqualTo(8445);
        assertThat(directory.require("CCAS-29232").kind()).isEqualTo(ParticipantKind.CCAS);
        assertThat(directory.bySigningCertificate(ft29.signingCertificate())).contains(ft29);
    }

    @Test
    void refusesADirectoryAlteredAfterSigning() throws Exception {
        byte[] signed = Files.readAllBytes(certs.resolve("directory.signed"));
        String text = new String(signed, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("8445");
        signed[at + 3] = '6'; // FT-29's inter-node port 8445 -> 8446

        assertThatThrownBy(() -> SignedDirectory.verify(signed, operator, ca, Clock.systemUTC()))
                .isInstanceOfSatisfying(LiaisonException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.DIRECTORY_SIGNATURE_INVALID));
    }

    @Test
    void refusesADirectorySignedBySomeoneElse() throws Exception {
        byte[] signed = Files.readAllBytes(certs.resolve("directory.signed"));
        X509Certificate notTheOperator = Pem.certificate(certs.resolve("FT-29/sign.crt.pem"));

        assertThatThrownBy(() -> SignedDirectory.verify(signed, notTheOperator, ca, Clock.systemUTC()))
                .isInstanceOfSatisfying(LiaisonException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.DIRECTORY_SIGNATURE_INVALID));
    }

    @Test
    void namesAnUnknownParticipantWithItsCode() {
        assertThatThrownBy(() -> DevNetwork.directory().require("CCAS-99999"))
                .isInstanceOfSatisfying(LiaisonException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.DIRECTORY_UNKNOWN_PARTICIPANT));
    }

    @Test
    void trustFollowsTheClock() {
        Directory directory = SignedDirectory.loadCertsDev(certs, Clock.fixed(Instant.parse("2040-01-01T00:00:00Z"), ZoneOffset.UTC));

        assertThatThrownBy(() -> directory.trust().check(directory.require("FT-29").signingCertificate()))
                .isInstanceOfSatisfying(LiaisonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SIGNER_EXPIRED));
    }
}
