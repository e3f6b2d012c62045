package fr.liaison.gateway.cli;

import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.Violation;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import java.io.PrintWriter;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Checks messages (XML or JSON) against schema v1 and the message rules.",
                "Prints each violation with its location; exits 1 if any file is invalid."})
final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;

    @Override
    public Integer call() {
        MessageCodec codec = MessageCodec.v1();
        int invalid = 0;
        for (Path file : files) {
            byte[] bytes = CliFiles.read(file);
            MessageFormat format = MessageFormat.detect(bytes);
            List<Violation> violations = codec.validate(bytes, format);
            if (violations.isEmpty()) {
                out().printf("%s: valid %s (%s)%n", file, codec.read(bytes, format).messageType(), format);
            } else {
                invalid++;
                out().printf("%s: invalid (%s), %d violation(s)%n", file, format, violations.size());
                for (Violation violation : violations) {
                    out().printf("  %s at %s: %s%n", violation.code().code(), violation.location(), violation.message());
                }
            }
        }
        return invalid == 0 ? 0 : LiaisonCommand.REFUSED;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
