package fr.liaison.gateway.config;

import fr.liaison.routes.audit.AuditTrail;
import fr.liaison.routes.audit.Pseudonymiser;
import fr.liaison.routes.camel.ExchangeErrorPolicy;
import fr.liaison.routes.camel.InboundEnvelopeRoutes;
import fr.liaison.routes.camel.OutboundMessageRoutes;
import fr.liaison.routes.consent.ConsentGate;
import fr.liaison.routes.consent.ConsentProofs;
import fr.liaison.routes.consent.ConsentRegistry;
import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.ParticipantKind;
import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.exchange.ConsentSteps;
import fr.liaison.routes.exchange.DeliverySteps;
import fr.liaison.routes.exchange.RetryPolicy;
import fr.liaison.routes.exchange.InboundSteps;
import fr.liaison.routes.exchange.LocalDeliverySteps;
import fr.liaison.routes.exchange.LocalSoftware;
import fr.liaison.routes.exchange.MessageStore;
import fr.liaison.routes.exchange.NodeContext;
import fr.liaison.routes.exchange.OutboundSteps;
import fr.liaison.routes.exchange.PeerTransport;
import fr.liaison.routes.keys.KeyMaterial;
import fr.liaison.routes.lifecycle.ReferralLifecycle;
import fr.liaison.routes.lifecycle.ReferralStore;
import fr.liaison.routes.resources.ResourceDirectory;
import fr.liaison.routes.resources.ResourcePublication;
import fr.liaison.routes.resources.ResourceStore;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.keys.Pem;
import fr.liaison.routes.minimise.MinimisationRule;
import fr.liaison.routes.minimise.Minimiser;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.v1.DataCategory;

import jakarta.jms.ConnectionFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.camel.component.jms.JmsComponent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the node: its identity, the directory, the domain steps and the routes that carry them. */
@Configuration(proxyBeanMethods = false)
class NodeConfiguration {

    /** The node's time; a test may provide its own to move deadlines without waiting. */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean(Clock.class)
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    ParticipantKeys participantKeys(LiaisonProperties properties, org.springframework.core.env.Environment environment) {
        // The development PKI's private keys, tokens and passwords are committed: a node on any of them protects little.
        var onDevelopmentMaterial = DevelopmentMaterial.settingsOn(properties, environment);
        if (!onDevelopmentMaterial.isEmpty()) {
            org.slf4j.LoggerFactory.getLogger(NodeConfiguration.class).warn("{} runs on development material committed in {}, "
                    + "readable by anyone: {}. Never in production: docs/operations.md says what to set instead",
                    properties.participantId(), properties.keys().certsDev(), String.join(", ", onDevelopmentMaterial));
        }
        var keys = properties.keys();
        if (keys != null && keys.keystore() != null) {
            return KeyMaterial.fromPkcs12(keys.keystore(),
                    keys.keystorePassword() == null ? new char[0] : keys.keystorePassword().toCharArray(), properties.participantId());
        }
        return KeyMaterial.fromCertsDev(keys.certsDev(), properties.participantId());
    }

    @Bean
    DirectoryHolder directoryHolder(LiaisonProperties properties, Clock clock) {
        var source = properties.directory();
        Directory directory = SignedDirectory.load(source.file(), Pem.certificate(source.operatorCertificate()),
                Pem.certificate(source.caCertificate()), clock);
        directory.require(properties.participantId());
        return new DirectoryHolder(directory);
    }

    @Bean
    MessageCodec messageCodec() {
        return MessageCodec.v1();
    }

    /** The key of the person hashes: made once per node, kept in its work directory, never logged. */
    @Bean
    Pseudonymiser pseudonymiser(LiaisonProperties properties, ClusterProperties cluster) {
        if (cluster.enabled()) {
            // Every instance must hash a person the same way: the key is configuration, never generated here.
            Path shared = cluster.pseudonymisationKeyFile();
            if (shared == null || !Files.isReadable(shared)) {
                throw new IllegalStateException("liaison.cluster.pseudonymisation-key-file must name the key file shared by the instances");
            }
            try {
                return new Pseudonymiser(Files.readAllBytes(shared));
            } catch (IOException e) {
                throw new UncheckedIOException("pseudonymisation key " + shared, e);
            }
        }
        Path file = properties.workDir().resolve("pseudonymisation.key");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                Files.write(file, key);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: permissions are the operator's business
                }
            }
            return new Pseudonymiser(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("pseudonymisation key " + file, e);
        }
    }

    @Bean
    Minimiser minimiser(LiaisonProperties properties) {
        if (properties.minimisation() == null || properties.minimisation().isEmpty()) {
            return Minimiser.defaults();
        }
        Map<ParticipantKind, MinimisationRule> rules = new EnumMap<>(ParticipantKind.class);
        properties.minimisation().forEach((kind, rule) -> rules.put(ParticipantKind.valueOf(kind.toUpperCase()),
                new MinimisationRule(rule.removedCategories() == null ? java.util.Set.of()
                        : rule.removedCategories().stream().map(DataCategory::valueOf).collect(Collectors.toSet()),
                        rule.removeFreeTextDetails())));
        return new Minimiser(rules);
    }

    @Bean
    ReferralLifecycle referralLifecycle(ReferralStore referrals, Clock clock, DirectoryHolder directory, LiaisonProperties properties) {
        return new ReferralLifecycle(referrals, clock, directory::current, properties.participantId());
    }

    @Bean
    ResourcePublication resourcePublication(MessageCodec codec, DirectoryHolder directory, Clock clock, LiaisonProperties properties) {
        return new ResourcePublication(codec, directory::current, properties.participantId(), clock);
    }

    @Bean
    ResourceDirectory resourceDirectory(ResourceStore store, MessageCodec codec) {
        return new ResourceDirectory(store, codec);
    }

    @Bean
    NodeContext nodeContext(ParticipantKeys keys, DirectoryHolder directory, MessageCodec codec, ConsentRegistry consents,
            Pseudonymiser pseudonymiser, Minimiser minimiser, AuditTrail audit, MessageStore messages, Clock clock,
            LiaisonProperties properties, ReferralLifecycle referrals, ResourceDirectory resources) {
        Supplier<Directory> current = directory::current;
        return new NodeContext(keys, current, codec, consents, new ConsentGate(clock), new ConsentProofs(codec, pseudonymiser),
                minimiser, pseudonymiser, audit, messages, clock, properties.replayWindow(), referrals, resources);
    }

    @Bean
    OutboundSteps outboundSteps(NodeContext node) {
        return new OutboundSteps(node);
    }

    @Bean
    RetryPolicy retryPolicy(LiaisonProperties properties) {
        var retry = properties.retry();
        var defaults = new RetryPolicy.Schedule(retry.peerAttempts(), retry.initialDelay(), retry.maximumDelay());
        Map<String, RetryPolicy.Schedule> peers = new java.util.HashMap<>();
        retry.peers().forEach((peer, own) -> peers.put(peer, new RetryPolicy.Schedule(
                own.peerAttempts() != null ? own.peerAttempts() : defaults.attempts(),
                own.initialDelay() != null ? own.initialDelay() : defaults.initialDelay(),
                own.maximumDelay() != null ? own.maximumDelay() : defaults.maximumDelay())));
        return new RetryPolicy(defaults, peers);
    }

    @Bean
    DeliverySteps deliverySteps(NodeContext node, PeerTransport transport, RetryPolicy retry, LocalSoftware software) {
        return new DeliverySteps(node, transport, retry, software);
    }

    @Bean
    InboundSteps inboundSteps(NodeContext node, LiaisonProperties properties) {
        return new InboundSteps(node, properties.maxEnvelopeBytes());
    }

    @Bean
    ConsentSteps consentSteps(NodeContext node) {
        return new ConsentSteps(node);
    }

    @Bean
    LocalDeliverySteps localDeliverySteps(NodeContext node, LocalSoftware software) {
        return new LocalDeliverySteps(node, software);
    }

    @Bean
    ExchangeErrorPolicy exchangeErrorPolicy(OutboundSteps outbound, DeliverySteps delivery, InboundSteps inbound, RetryPolicy retry) {
        return new ExchangeErrorPolicy(outbound, delivery, inbound, retry);
    }

    @Bean
    OutboundMessageRoutes outboundMessageRoutes(OutboundSteps steps, DeliverySteps delivery, QueueProperties queues) {
        return new OutboundMessageRoutes(steps, delivery, queues.outboundConsumers());
    }

    @Bean
    InboundEnvelopeRoutes inboundEnvelopeRoutes(InboundSteps steps, ConsentSteps consents, LocalDeliverySteps local,
            QueueProperties queues) {
        return new InboundEnvelopeRoutes(steps, consents, local, queues.inboundConsumers());
    }

    /**
     * Camel's JMS component on the node's Artemis broker. CLIENT_ACKNOWLEDGE: a queue entry is
     * acknowledged once its route has completed, so an entry taken by a node that dies on the way is
     * handed out again when the node restarts (AUTO_ACKNOWLEDGE would acknowledge it on receipt, and
     * a crash would lose it). A repeat is harmless: every consumer skips a message already done.
     */
    @Bean("jms")
    JmsComponent jms(ConnectionFactory connectionFactory) {
        JmsComponent jms = JmsComponent.jmsComponent(connectionFactory);
        jms.setAcknowledgementModeName("CLIENT_ACKNOWLEDGE");
        return jms;
    }
}
