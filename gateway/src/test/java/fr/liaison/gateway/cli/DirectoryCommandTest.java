package fr.liaison.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

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
