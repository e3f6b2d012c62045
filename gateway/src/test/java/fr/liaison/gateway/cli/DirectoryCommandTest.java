package fr.liaison.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.keys.Pem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryCommandTest extends CliTestSupport {

    private static final String CERTS = System.getProperty("liaison.certs-dev", "../certs-dev");

    @TempDir
    Path work;

    @Test
    void signsTheCommittedSourceIntoADirectoryThatVerifies() {
        Path signed = work.resolve("directory.signed");

        assertThat(run("directory", "sign", "--in", CERTS + "/directory.yml", "--key", CERTS + "/network-operator.key.pem",
                "--cert", CERTS + "/network-operator.crt.pem", "--out", signed.toString())).isZero();
        assertThat(run("directory", "verify", "--cert", CERTS + "/network-operator.crt.pem", signed.toString())).isZero();

        assertThat(out.toString()).contains("OK: directory liaison-dev version 1", "11 participants", "9 conventions");
    }

    @Test
    void signsASourceListingTwoGenerationsOfAParticipantsCertificates() throws Exception {
        Path certs = Path.of(CERTS).toAbsolutePath().normalize();
        String source = Files.readString(certs.resolve("directory.yml"))
                .replace("      signing: FT-25/sign.crt.pem\n      encryption: FT-25/encrypt.crt.pem\n      tls: FT-25/tls.crt.pem\n",
                        "      signing: [FT-25/sign.crt.pem, FT-25/next/sign.crt.pem]\n"
                                + "      encryption: [FT-25/encrypt.crt.pem, FT-25/next/encrypt.crt.pem]\n"
                                + "      tls: [FT-25/tls.crt.pem, FT-25/next/tls.crt.pem]\n"
                                + "      retiredSigning: [FT-29/sign.crt.pem]\n")
                .replace("version: 1", "version: 2");
        assertThat(source).contains("FT-25/next/sign.crt.pem");
        // Next to the committed source, whose certificate paths are relative to it; removed at once.
        Path yaml = Files.writeString(certs.resolve("rollover-test-" + ProcessHandle.current().pid() + ".yml"), source);
        Path signed = work.resolve("directory.signed");
        try {
            assertThat(run("directory", "sign", "--in", yaml.toString(), "--key", CERTS + "/network-operator.key.pem",
                    "--cert", CERTS + "/network-operator.crt.pem", "--out", signed.toString())).as(err.toString()).isZero();
        } finally {
            Files.delete(yaml);
        }

        var directory = SignedDirectory.verify(Files.readAllBytes(signed), Pem.certificate(certs.resolve("network-operator.crt.pem")),
                Pem.certificate(certs.resolve("network-ca.crt.pem")), Clock.systemUTC());
        var ft25 = directory.require("FT-25");
        assertThat(ft25.signingCertificates()).hasSize(2);
        assertThat(ft25.tlsCertificates()).hasSize(2);
        assertThat(ft25.encryptionCertificate()).isEqualTo(Pem.certificate(certs.resolve("FT-25/next/encrypt.crt.pem")));
        assertThat(ft25.retiredSigningCertificates()).hasSize(1);
        assertThat(directory.require("CD-25").signingCertificates()).hasSize(1);
    }

    @Test
    void refusesADirectoryAlteredOrSignedBySomeoneElseWithItsCode() throws Exception {
        Path signed = work.resolve("directory.signed");
        byte[] bytes = Files.readAllBytes(Path.of(CERTS, "directory.signed"));
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(signed, bytes);

        assertThat(run("directory", "verify", "--cert", CERTS + "/network-operator.crt.pem", signed.toString()))
                .isEqualTo(LiaisonCommand.REFUSED);
        assertThat(run("directory", "verify", "--cert", CERTS + "/FT-29/sign.crt.pem", "--ca", CERTS + "/network-ca.crt.pem",
                CERTS + "/directory.signed")).isEqualTo(LiaisonCommand.REFUSED);

        assertThat(err.toString()).contains("GW-DIRECTORY-001");
    }
}
