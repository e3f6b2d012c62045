package fr.liaison.gateway.cli;

import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.Participant;
import fr.liaison.routes.envelope.EnvelopeOpener;
import fr.liaison.routes.envelope.EnvelopeSealer;
import fr.liaison.routes.envelope.OpenedEnvelope;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.ValidatedMessage;
import fr.liaison.schemas.error.LiaisonException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import java.io.PrintWriter;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Shows the envelope alone, without a node: a sample referral
 * from the CCAS de Quimper to France Travail Finistère is validated, sealed and opened, then three
 * envelopes that must be refused are refused. Prints no personal data: only types, identifiers of
 * institutions, sizes, digests and codes.
 */
@Command(name = "demo-envelope", mixinStandardHelpOptions = true,
        description = "Seals a sample referral CCAS-29232 -> FT-29, opens it, and shows three refusals.")
final class EnvelopeDemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private static final String SENDER = "CCAS-29232";
    private static final String RECIPIENT = "FT-29";

    @Option(names = "--samples", paramLabel = "DIR", description = "Sample messages (default: $LIAISON_HOME/schemas/samples).")
    Path samples;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "var/demo-envelope", description = "Where the demo writes its envelope (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    NetworkOptions network;


    @Override
    public Integer call() throws Exception {
        Directory directory = network.directory();
        step("Directory", "network %s version %d, %d participants, signature of the network operator verified",
                directory.network(), directory.version(), directory.participants().size());
        Participant from = directory.require(SENDER);
        Participant to = directory.require(RECIPIENT);
        out().printf("    %s %s (%s)  ->  %s %s (%s)%n", from.id(), from.name(), from.kind(), to.id(), to.name(), to.kind());

        Path sample = samplesDir().resolve("v1/valid/referral.xml");
        byte[] input = Files.readAllBytes(sample);
        MessageCodec codec = MessageCodec.v1();
        ValidatedMessage message = codec.read(input, MessageFormat.detect(input));
        step("Validate", "%s %s against schema v1: valid; purpose %s, data categories %s", message.messageType(),
                message.header().getMessageId(), message.header().getPurpose(), message.header().getDataCategories());

        ParticipantKeys senderKeys = network.keys(SENDER);
        byte[] content = message.canonicalXml();
        byte[] envelope = new EnvelopeSealer(senderKeys).seal(content, to.encryptionCertificate());
        Path envelopeFile = out.resolve("referral.p7m");
        CliFiles.write(envelopeFile, envelope);
        step("Seal", "signed by %s (ECDSA P-256, SHA-256), encrypted for %s (ECDH P-256, AES-256-GCM): %d bytes -> %s",
                SENDER, RECIPIENT, envelope.length, envelopeFile);

        EnvelopeOpener opener = new EnvelopeOpener(network.keys(RECIPIENT), directory);
        OpenedEnvelope opened = opener.open(envelope, SENDER);
        step("Open", "as %s: decrypted, signature verified, signer is the directory's %s (chain to the network CA, valid, not revoked)",
                RECIPIENT, opened.sender().id());
        step("Compare", "content identical: %s (SHA-256 %s)", Arrays.equals(opened.content(), content), sha256(content));

        step("Refusals", "each envelope below must be refused with its own code");
        refuse("one byte of the envelope altered", () -> {
            byte[] altered = envelope.clone();
            altered[altered.length / 2] ^= 0x01;
            return opener.open(altered, SENDER);
        });
        refuse("opened by CD-29, for whom it was not encrypted",
                () -> new EnvelopeOpener(network.keys("CD-29"), directory).open(envelope, SENDER));
        refuse("signed by TEST-REVOKED, whose certificate is on the CRL", () -> opener.open(
                new EnvelopeSealer(network.keys("TEST-REVOKED")).seal(content, to.encryptionCertificate())));

        out().println();
        out().println("Open it independently with OpenSSL 3:");
        Path certs = network.certsDev();
        out().printf("  openssl cms -decrypt -binary -inform DER -in %s -recip %s -inkey %s -out signed.der%n", envelopeFile,
                certs.resolve("FT-29/encrypt.crt.pem"), certs.resolve("FT-29/encrypt.key.pem"));
        out().printf("  openssl cms -verify -binary -inform DER -in signed.der -CAfile %s -out referral.xml%n",
                certs.resolve("network-ca.crt.pem"));
        return 0;
    }

    private Path samplesDir() {
        if (samples != null) {
            return samples;
        }
        String home = System.getenv("LIAISON_HOME");
        return home != null ? Path.of(home, "schemas", "samples") : Path.of("schemas", "samples");
    }

    private void step(String name, String format, Object... args) {
        out().printf("%-9s %s%n", name, String.format(format, args));
    }

    private void refuse(String what, Supplier<OpenedEnvelope> attempt) {
        try {
            attempt.get();
            throw new IllegalStateException("accepted an envelope that must be refused: " + what);
        } catch (LiaisonException e) {
            out().printf("    refused  %-58s %s %s%n", what, e.code().code(), e.code().message());
        }
    }

    private static String sha256(byte[] content) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)).substring(0, 16) + "...";
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
