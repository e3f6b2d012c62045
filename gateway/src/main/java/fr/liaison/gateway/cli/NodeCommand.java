package fr.liaison.gateway.cli;

import fr.liaison.gateway.LiaisonNodeApplication;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.springframework.boot.SpringApplication;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

@Command(name = "node", mixinStandardHelpOptions = true,
        description = {"Runs the node of one participant: local API, inter-node endpoint with mutual TLS, embedded broker and database.",
                "Development settings come from certs-dev and the signed directory; add Spring properties as --name=value to override."})
final class NodeCommand implements Callable<Integer> {

    @Option(names = "--participant", required = true, paramLabel = "ID", description = "The participant this node is, e.g. FT-29.")
    String participant;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Database, broker journal and secrets (default: ./var/<ID>).")
    Path workDir;

    /** Spring properties overriding the defaults, e.g. {@code --liaison.webhook.url=http://...}. */
    @Unmatched
    List<String> springArguments = new ArrayList<>();

    @Mixin
    NetworkOptions network;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (network.keystore != null || network.keystorePasswordFile != null || network.directoryFile != null
                || network.operatorCertificate != null || network.caCertificate != null) {
            // Silently running on the development keys instead would be the worst answer.
            throw new ParameterException(spec.commandLine(), "node takes its keys, TLS identity and directory from its properties, "
                    + "not from --keystore, --keystore-password-file, --directory, --operator-cert or --ca-cert: set "
                    + "--liaison.keys.keystore=FILE (password in LIAISON_KEYS_KEYSTORE_PASSWORD), --liaison.directory.file=FILE "
                    + "(or .url), --liaison.directory.operator-certificate=PEM, --liaison.directory.ca-certificate=PEM and "
                    + "spring.ssl.bundle.pem.exchange.* (see docs/operations.md)");
        }
        SpringApplication application = new SpringApplication(LiaisonNodeApplication.class);
        application.setDefaultProperties(DevNodeDefaults.of(participant, network.certsDev(),
                workDir != null ? workDir : Path.of("var", participant)));
        try {
            application.run(springArguments.toArray(String[]::new));
        } catch (RuntimeException failed) {
            // Spring has logged the whole story; the operator also gets its first cause in one line.
            Throwable cause = failed;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            spec.commandLine().getErr().printf("%s could not start: %s%s%n", participant, cause.getClass().getSimpleName(),
                    cause.getMessage() == null ? "" : ": " + cause.getMessage());
            spec.commandLine().getErr().flush();
            return LiaisonCommand.REFUSED;
        }
        return 0;
    }
}
