package fr.liaison.routes.camel;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.InMemoryAuditTrail;
import fr.liaison.routes.audit.Pseudonymiser;
import fr.liaison.routes.consent.ConsentGate;
import fr.liaison.routes.consent.ConsentProofs;
import fr.liaison.routes.consent.ConsentRecord;
import fr.liaison.routes.consent.InMemoryConsentRegistry;
import fr.liaison.routes.exchange.ConsentSteps;
import fr.liaison.routes.exchange.DeliverySteps;
import fr.liaison.routes.exchange.RetryPolicy;
import fr.liaison.routes.exchange.Direction;
import fr.liaison.routes.exchange.InboundSteps;
import fr.liaison.routes.exchange.LocalDeliverySteps;
import fr.liaison.routes.exchange.LocalSoftware;
import fr.liaison.routes.exchange.NodeContext;
import fr.liaison.routes.exchange.OutboundSteps;
import fr.liaison.routes.exchange.PeerTransport;
import fr.liaison.routes.exchange.StoredMessage;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.minimise.Minimiser;
import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.routes.testing.InMemoryMessageStore;
import fr.liaison.routes.testing.InMemoryReferralStore;
import fr.liaison.routes.lifecycle.ReferralLifecycle;
import fr.liaison.routes.resources.ResourceDirectory;
import fr.liaison.routes.testing.InMemoryResourceStore;
import fr.liaison.schemas.MessageCodec;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * One node of the development network on a plain CamelContext: its real keys and directory, the
 * in-memory stores, the error policy and the exchange routes. The context is created, not started,
 * so that a test can advise its routes first.
 */
final class TestNode implements AutoCloseable {

    static final MessageCodec CODEC = MessageCodec.v1();
    static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50));
    static final Duration REPLAY_WINDOW = Duration.ofMinutes(10);
    private static final byte[] PSEUDONYMISER_KEY = fill(32, 7);

    final String id;
    final ParticipantKeys keys;
    final InMemoryAuditTrail audit = new InMemoryAuditTrail();
    final InMemoryMessageStore store = new InMemoryMessageStore();
    final InMemoryConsentRegistry consents = new InMemoryConsentRegistry();
    final InMemoryReferralStore referrals = new InMemoryReferralStore();
    final NodeContext node;
    final OutboundSteps outbound;
    final DeliverySteps delivery;
    final InboundSteps inbound;
    final ConsentSteps consentSteps;
    final LocalDeliverySteps local;
    final DefaultCamelContext camel = new DefaultCamelContext();

    /** What the delivery route posts to; by default nothing answers. */
    volatile PeerTransport transport = (endpoint, messageId, envelope) -> {
        throw new IllegalStateException("no transport wired for " + endpoint);
    };
    /** The institution's software; by default it pulls from the inbox, so nothing is pushed. */
    volatile LocalSoftware software = new LocalSoftware() {
        @Override
        public boolean pushes() {
            return false;
        }

        @Override
        public void push(String messageId, String messageType, byte[] xml) {
            throw new AssertionError("not pushed");
        }
    };

    private ProducerTemplate producer;

    TestNode(String id) throws Exception {
        this.id = id;
        this.keys = DevNetwork.keys(id);
        Clock clock = Clock.systemUTC();
        Pseudonymiser pseudonymiser = new Pseudonymiser(PSEUDONYMISER_KEY);
        this.node = new NodeContext(keys, DevNetwork::directory, CODEC, consents, new ConsentGate(clock),
                new ConsentProofs(CODEC, pseudonymiser), Minimiser.defaults(), pseudonymiser, audit, store, clock, REPLAY_WINDOW,
                new ReferralLifecycle(referrals, clock, DevNetwork::directory, id),
                new ResourceDirectory(new InMemoryResourceStore(), CODEC));
        this.outbound = new OutboundSteps(node);
        LocalSoftware currentSoftware = new LocalSoftware() {
            @Override
            public boolean pushes() {
                return software.pushes();
            }

            @Override
            public void push(String messageId, String messageType, byte[] xml) {
                software.push(messageId, messageType, xml);
            }
        };
        this.delivery = new DeliverySteps(node, (endpoint, messageId, envelope) -> transport.post(endpoint, messageId, envelope), RETRY,
                currentSoftware);
        this.inbound = new InboundSteps(node, 1024 * 1024);
        this.consentSteps = new ConsentSteps(node);
        this.local = new LocalDeliverySteps(node, currentSoftware);

        Properties properties = new Properties();
        properties.setProperty("liaison.endpoints.outbound-queue", "seda:outbound?pollTimeout=50");
        properties.setProperty("liaison.endpoints.inbound-queue", "seda:inbound?pollTimeout=50");
        properties.setProperty("liaison.endpoints.forward-queue", "seda:forward?pollTimeout=50");
        properties.setProperty("liaison.endpoints.dead-letter-queue", "mock:dead-letter");
        // A short poll so that stopping the context after each test does not wait a second per queue.
        camel.getPropertiesComponent().setInitialProperties(properties);
        camel.getShutdownStrategy().setTimeout(5);
        camel.addRoutes(new ExchangeErrorPolicy(outbound, delivery, inbound, RETRY));
        camel.addRoutes(new OutboundMessageRoutes(outbound, delivery));
        camel.addRoutes(new InboundEnvelopeRoutes(inbound, consentSteps, local));
    }

    TestNode start() {
        camel.start();
        producer = camel.createProducerTemplate();
        return this;
    }

    ProducerTemplate producer() {
        return producer;
    }

    /** Submits as the local software would; returns the message id, or throws CamelExecutionException. */
    String submit(byte[] message) {
        return producer.requestBodyAndHeader("direct:outbound-submit", message, ExchangeHeaders.CLIENT, "client-app", String.class);
    }

    /** Posts an envelope to this node's inbound route as the gateway's exchange controller does. */
    Exchange receive(byte[] envelope, String transportSender, String claimedMessageId) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(ExchangeHeaders.TRANSPORT_SENDER, transportSender);
        headers.put(ExchangeHeaders.CLAIMED_MESSAGE_ID, claimedMessageId);
        Exchange result = producer.request("direct:inbound-receive", e -> {
            e.getMessage().setBody(envelope);
            e.getMessage().setHeaders(headers);
        });
        if (result.getException() != null) {
            throw new IllegalStateException("inbound route failed", result.getException());
        }
        return result;
    }

    /** A transport that hands envelopes to {@code receiver} in process, authenticated as {@code tlsIdentity}. */
    static PeerTransport inProcess(TestNode receiver, String tlsIdentity) {
        return (endpoint, messageId, envelope) -> {
            Exchange result = receiver.receive(envelope, tlsIdentity, messageId);
            boolean rejected = Boolean.TRUE.equals(result.getMessage().getHeader(ExchangeHeaders.REJECTED, Boolean.class));
            return new PeerTransport.PeerReply(rejected ? 422 : 200, result.getMessage().getBody(byte[].class));
        };
    }

    /** Records a fresh consent collected by this node (the sample's terms), through the consent steps. */
    ConsentRecord recordConsent(String... recipients) {
        return consentSteps.record(Messages.consent(id, recipients), "officer");
    }

    StoredMessage stored(String messageId, Direction direction) {
        return store.find(messageId, direction).orElseThrow(() -> new AssertionError("not stored: " + messageId));
    }

    List<AuditEntry> auditOf(String messageId) {
        return audit.entries().stream().filter(e -> messageId.equals(e.messageId())).toList();
    }

    List<AuditStep> stepsOf(String messageId) {
        return auditOf(messageId).stream().map(AuditEntry::step).toList();
    }

    List<AuditEntry> entries(AuditStep step) {
        return audit.entries().stream().filter(e -> e.step() == step).toList();
    }

    @Override
    public void close() {
        camel.stop();
    }

    private static byte[] fill(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
