package fr.liaison.gateway.cli;

import fr.liaison.routes.envelope.EnvelopeOpener;
import fr.liaison.routes.envelope.OpenedEnvelope;
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

@Command(name = "open", mixinStandardHelpOptions = true,
        description = {"Decrypts an envelope with the recipient's key, verifies the signature and that the signer is the",
                "directory's participant named as sender, validates the message and writes it out.",
                "On refusal exits 1 and prints the error code with a plain explanation."})
final class OpenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--as", required = true, paramLabel = "ID", description = "Receiving participant (its encryption key is used).")
    String as;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "The envelope (DER).")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the message (XML).")
    Path out;

    @Mixin
    NetworkOptions network;

    @Override
    public Integer call() {
        OpenedEnvelope opened = new EnvelopeOpener(network.keys(as), network.directory()).open(CliFiles.read(in));
        ValidatedMessage message = MessageCodec.v1().read(opened.content(), MessageFormat.XML);
        if (!opened.sender().id().equals(message.header().getSender())) {
            throw new LiaisonException(ErrorCode.SIGNER_NOT_SENDER,
                    "signed by " + opened.sender().id() + ", the message names " + message.header().getSender());
        }
        String recipient = message.header().getRecipient();
        if (recipient != null && !recipient.equals(as)) {
            throw new LiaisonException(ErrorCode.ENVELOPE_NOT_FOR_RECIPIENT, "the message names " + recipient + " as recipient");
        }
        CliFiles.write(out, opened.content());
        out().printf("Verified sender: %s (%s), signed at %s%n", opened.sender().id(), opened.sender().name(),
                opened.signingTime());
        out().printf("Opened %s %s for %s: written to %s%n", message.messageType(), message.header().getMessageId(), as, out);
        return 0;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
