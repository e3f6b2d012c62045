package fr.liaison.gateway.cli;

import fr.liaison.gateway.LiaisonNodeApplication;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.springframework.boot.SpringApplication;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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

    @Override
    public Integer call() {
        SpringApplication application = new SpringApplication(LiaisonNodeApplication.class);
        application.setDefaultProperties(DevNodeDefaults.of(participant, network.certsDev(),
                workDir != null ? workDir : Path.of("var", participant)));
        application.run(springArguments.toArray(String[]::new));
        return 0;
    }
}
