package fr.liaison.routes.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import fr.liaison.routes.testing.DevNetwork;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenSSL 3 opens what Liaison seals, and Liaison opens what OpenSSL seals, with the layering
 * {@code openssl cms -sign} then {@code openssl cms -encrypt -aes-256-gcm}. Skipped, with the
 * reason shown, only where no openssl 3 is on the PATH.
 */
class OpenSslInteropTest {

    private static final byte[] CONTENT = ("<Referral xmlns=\"urn:liaison:messages:v1\">"
            + "données fictives: Quimper → Finistère</Referral>").getBytes(StandardCharsets.UTF_8);

    private static boolean openSsl3;

    @TempDir
    Path work;

    private final Path certs = DevNetwork.certsDev();

    @BeforeAll
    static void findOpenSsl() {
        try {
            Process version = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            String out = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            openSsl3 = version.waitFor(30, TimeUnit.SECONDS) && out.startsWith("OpenSSL 3");
        } catch (IOException | InterruptedException e) {
            openSsl3 = false;
        }
    }

    @Test
    void openSslDecryptsThenVerifiesAnEnvelopeLiaisonSealed() throws Exception {
        assumeTrue(openSsl3, "openssl 3 is not on the PATH: interop with OpenSSL not checked here");
        Path envelope = work.resolve("referral.p7m");
        Files.write(envelope, new EnvelopeSealer(DevNetwork.keys("CCAS-29232"))
                .seal(CONTENT, DevNetwork.directory().require("FT-29").encryptionCertificate()));

        openssl("cms", "-decrypt", "-binary", "-inform", "DER", "-in", envelope.toString(),
                "-recip", certs.resolve("FT-29/encrypt.crt.pem").toString(),
                "-inkey", certs.resolve("FT-29/encrypt.key.pem").toString(),
                "-out", work.resolve("signed.der").toString());
        openssl("cms", "-verify", "-binary", "-inform", "DER", "-in", work.resolve("signed.der").toString(),
                "-CAfile", certs.resolve("network-ca.crt.pem").toString(),
                "-out", work.resolve("content.xml").toString());

        assertThat(Files.readAllBytes(work.resolve("content.xml"))).isEqualTo(CONTENT);
    }

    @Test
    void liaisonOpensAnEnvelopeOpenSslSignedThenEncrypted() throws Exception {
        assumeTrue(openSsl3, "openssl 3 is not on the PATH: interop with OpenSSL not checked here");
        Path content = Files.write(work.resolve("content.xml"), CONTENT);
        openssl("cms", "-sign", "-binary", "-nodetach", "-md", "sha256", "-outform", "DER",
                "-signer", certs.resolve("CCAS-29232/sign.crt.pem").toString(),
                "-inkey", certs.resolve("CCAS-29232/sign.key.pem").toString(),
                "-in", content.toString(), "-out", work.resolve("signed.der").toString());
        openssl("cms", "-encrypt", "-binary", "-aes-256-gcm", "-outform", "DER",
                "-in", work.resolve("signed.der").toString(), "-out", work.resolve("referral.p7m").toString(),
                "-recip", certs.resolve("FT-29/encrypt.crt.pem").toString(), "-keyopt", "ecdh_kdf_md:sha256");

        OpenedEnvelope opened = new EnvelopeOpener(DevNetwork.keys("FT-29"), DevNetwork.directory())
                .open(Files.readAllBytes(work.resolve("referral.p7m")), "CCAS-29232");

        assertThat(opened.content()).isEqualTo(CONTENT);
        assertThat(opened.sender().id()).isEqualTo("CCAS-29232");
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        assertThat(process.exitValue()).as("openssl %s: %s", args[1], output).isZero();
    }
}
