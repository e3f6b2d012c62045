package fr.liaison.gateway.cli;

import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.envelope.EnvelopeSealer;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.ValidatedMessage;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import java.io.PrintWriter;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "seal", mixinStandardHelpOptions = true,
        description = {"Validates a message (XML or JSON), signs it with the sender's key and encrypts it for the recipient.",
                "The envelope is CMS SignedData inside CMS AuthEnvelopedData (AES-256-GCM)."})
final class SealCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "ID", description = "Sending participant (its signing key is used).")
    String from;

    @Option(names = "--to", required = true, paramLabel = "ID", description = "Recipient participant (its directory encryption certificate is used).")
    String to;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "The message, XML or JSON.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the envelope (DER).")
    Path out;

    @Mixin
    NetworkOptions network;

    @Override
    public Integer call() {
        byte[] input = CliFiles.read(in);
        ValidatedMessage message = MessageCodec.v1().read(input, MessageFormat.detect(input));
        String sender = message.header().getSender();
        String recipient = message.header().getRecipient();
        if (!from.equals(sender)) {
            throw new LiaisonException(ErrorCode.SIGNER_NOT_SENDER, "the message names " + sender + " as sender, not " + from);
        }
        if (recipient != null && !to.equals(recipient)) {
            throw new LiaisonException(ErrorCode.ENVELOPE_NOT_FOR_RECIPIENT, "the message names " + recipient + " as recipient, not " + to);
        }
        Directory directory = network.directory();
        byte[] envelope = new EnvelopeSealer(network.keys(from)).seal(message.canonicalXml(), directory.require(to).encryptionCertificate());
        CliFiles.write(out, envelope);
        out().printf("Sealed %s %s, %s -> %s: %d bytes written to %s%n", message.messageType(),
                message.header().getMessageId(), from, to, envelope.length, out);
        return 0;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
