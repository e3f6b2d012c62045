package fr.liaison.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiaisonCommandTest extends CliTestSupport {

    private static final String CERTS = System.getProperty("liaison.certs-dev", "../certs-dev");
    private static final Path SAMPLES = Path.of(System.getProperty("liaison.samples", "../schemas/samples"));

    @TempDir
    Path work;

    @Test
    void sealsThenOpensASampleReferralAndPrintsTheVerifiedSender() throws Exception {
        Path envelope = work.resolve("referral.p7m");
        Path opened = work.resolve("opened.xml");

        assertThat(run("seal", "--certs-dev", CERTS, "--from", "CCAS-29232", "--to", "FT-29",
                "--in", SAMPLES.resolve("v1/valid/referral.xml").toString(), "--out", envelope.toString())).isZero();
        assertThat(run("open", "--certs-dev", CERTS, "--as", "FT-29", "--in", envelope.toString(), "--out", opened.toString()))
                .isZero();

        assertThat(out.toString()).contains("Verified sender: CCAS-29232");
        assertThat(Files.readString(opened)).contains("urn:liaison:messages:v1");
    }

    @Test
    void sealsWithKeysFromAPkcs12KeystoreInsteadOfDevelopmentPemFiles() throws Exception {
        Path password = Files.writeString(work.resolve("password"), "changeit\n");
        Path envelope = work.resolve("referral.p7m");

        assertThat(run("seal", "--certs-dev", CERTS, "--keystore", CERTS + "/CCAS-29232/keystore.p12",
                "--keystore-password-file", password.toString(), "--from", "CCAS-29232", "--to", "FT-29",
                "--in", SAMPLES.resolve("v1/valid/referral.xml").toString(), "--out", envelope.toString())).isZero();
        assertThat(run("open", "--certs-dev", CERTS, "--as", "FT-29", "--in", envelope.toString(),
                "--out", work.resolve("opened.xml").toString())).isZero();

        assertThat(out.toString()).contains("Verified sender: CCAS-29232");
    }

    @Test
    void refusesToSealForARecipientOtherThanTheMessagesOwn() {
        int status = run("seal", "--certs-dev", CERTS, "--from", "CCAS-29232", "--to", "CD-29",
                "--in", SAMPLES.resolve("v1/valid/referral.xml").toString(), "--out", work.resolve("x.p7m").toString());

        assertThat(status).isEqualTo(LiaisonCommand.REFUSED);
        assertThat(err.toString()).startsWith("GW-ENVELOPE-003");
        assertThat(work.resolve("x.p7m")).doesNotExist();
    }

    @Test
    void openOfAnAlteredEnvelopeExitsNonZeroWithTheCodeAndAnExplanation() throws Exception {
        Path envelope = work.resolve("referral.p7m");
        run("seal", "--certs-dev", CERTS, "--from", "CCAS-29232", "--to", "FT-29",
                "--in", SAMPLES.resolve("v1/valid/referral.xml").toString(), "--out", envelope.toString());
        byte[] bytes = Files.readAllBytes(envelope);
        bytes[bytes.length - 40] ^= 0x20;
        Files.write(envelope, bytes);

        int status = run("open", "--certs-dev", CERTS, "--as", "FT-29", "--in", envelope.toString(),
                "--out", work.resolve("opened.xml").toString());

        assertThat(status).isEqualTo(LiaisonCommand.REFUSED);
        assertThat(err.toString()).contains("GW-ENVELOPE-004", "altered or truncated");
        assertThat(work.resolve("opened.xml")).doesNotExist();
    }

    @Test
    void validatePrintsEachViolationWithItsLocation() throws Exception {
        Path invalid = Files.writeString(work.resolve("bad.json"), Files.readString(SAMPLES.resolve("v1/valid/referral.json"))
                .replace("\"FT-29\"", "\"ft 29\""));

        int status = run("validate", SAMPLES.resolve("v1/valid/referral.xml").toString(), invalid.toString());

        assertThat(status).isEqualTo(LiaisonCommand.REFUSED);
        assertThat(out.toString()).contains("referral.xml: valid REFERRAL (XML)", "bad.json: invalid (JSON)",
                "GW-SCHEMA-001 at /header/recipient");
    }

    @Test
    void envelopeDemoSealsOpensAndShowsThreeRefusals() {
        int status = run("demo-envelope", "--certs-dev", CERTS, "--samples", SAMPLES.toString(), "--out", work.toString());

        assertThat(status).isZero();
        assertThat(out.toString()).contains("content identical: true", "GW-ENVELOPE-004", "GW-ENVELOPE-003", "GW-SIGNATURE-005");
    }
}
