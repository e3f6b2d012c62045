package fr.liaison.routes.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.consent.ConsentRecord;
import fr.liaison.routes.exchange.Direction;
import fr.liaison.routes.exchange.LocalSoftware;
import fr.liaison.routes.exchange.MessageStatus;
import fr.liaison.routes.exchange.PeerTransport;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous delivery route, CCAS-29232 sending to FT-29 in process: an unreachable peer is
 * retried then dead-lettered; a seal that fails, a rejection or an invalid receipt fails at once,
 * never retried.
 */
class OutboundDeliveryRouteTest {

    private TestNode ccas;
    private TestNode ft;
    private MockEndpoint deadLetter;

    @BeforeEach
    void nodes() throws Exception {
        ccas = new TestNode("CCAS-29232");
        ft = new TestNode("FT-29").start();
        ccas.transport = TestNode.inProcess(ft, "CCAS-29232");
    }

    @AfterEach
    void stop() {
        ccas.close();
        ft.close();
    }

    private void startSender() {
        ccas.start();
        deadLetter = ccas.camel.getEndpoint("mock:dead-letter", MockEndpoint.class);
    }

    /** Submits a fresh referral and waits until the delivery route is done with it. */
    private String submitAndAwaitDelivery() {
        ConsentRecord consent = ccas.recordConsent();
        String messageId = ccas.submit(Messages.fresh("referral.xml", "CCAS-29232", "FT-29", consent.consentId()));
        // Each try is its own pass through the delivery route: wait for the last.
        await().atMost(Duration.ofSeconds(20)).until(() -> ccas.stored(messageId, Direction.OUTBOUND).status(),
                status -> status == MessageStatus.DELIVERED || status == MessageStatus.FAILED);
        return messageId;
    }

    @Test
    void deliveredWhenTheRecipientsReceiptVerifies() throws Exception {
        startSender();

        String messageId = submitAndAwaitDelivery();

        assertThat(ccas.stored(messageId, Direction.OUTBOUND).status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(ccas.stepsOf(messageId))
                .containsExactly(AuditStep.ACCEPTED, AuditStep.SENT, AuditStep.RECEIPT_VERIFIED, AuditStep.DELIVERED);
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).history()).extracting(s -> s.step())
                .containsExactly("ACCEPTED", "SENT", "DELIVERED");
        assertThat(ft.stored(messageId, Direction.INBOUND).status()).isIn(MessageStatus.RECEIVED, MessageStatus.DELIVERED);
        assertThat(ft.stepsOf(messageId)).startsWith(AuditStep.RECEIVED);
        assertThat(deadLetter.getReceivedCounter()).isZero();
    }

    @Test
    void unreachablePeerIsRetriedThenDeadLettered() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        AdviceWith.adviceWith(ccas.camel, "outbound-deliver", a -> a.weaveById("outbound-send").replace().process(e -> {
            attempts.incrementAndGet();
            throw new LiaisonException(ErrorCode.EXCHANGE_PEER_UNREACHABLE, "connection refused");
        }));
        startSender();
        deadLetter.expectedMessageCount(1);

        String messageId = submitAndAwaitDelivery();

        deadLetter.assertIsSatisfied(10_000);
        assertThat(deadLetter.getExchanges().get(0).getMessage().getBody(String.class)).isEqualTo(messageId);
        assertThat(attempts).hasValue(TestNode.RETRY.defaults().attempts());
        assertThat(ccas.entries(AuditStep.RETRIED)).hasSize(TestNode.RETRY.defaults().attempts() - 1)
                .allSatisfy(entry -> {
                    assertThat(entry.messageId()).isEqualTo(messageId);
                    assertThat(entry.errorCode()).isEqualTo("GW-EXCHANGE-007");
                });
        assertThat(ccas.stepsOf(messageId))
                .containsExactly(AuditStep.ACCEPTED, AuditStep.RETRIED, AuditStep.RETRIED, AuditStep.DEAD_LETTERED);
        assertThat(ccas.entries(AuditStep.DEAD_LETTERED)).extracting(AuditEntry::errorCode).containsExactly("GW-EXCHANGE-008");
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).status()).isEqualTo(MessageStatus.FAILED);
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).errorCode()).isEqualTo("GW-EXCHANGE-008");
        // The message's own history shows each try that did not reach the recipient, and why.
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).history()).filteredOn(step -> step.step().equals("RETRIED"))
                .hasSize(TestNode.RETRY.defaults().attempts() - 1)
                .allSatisfy(step -> assertThat(step.errorCode()).isEqualTo("GW-EXCHANGE-007"));
        // And why the last try failed, under the message's GW-EXCHANGE-008.
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).history()).last()
                .satisfies(step -> assertThat(step.step() + " " + step.errorCode()).isEqualTo("DEAD_LETTERED GW-EXCHANGE-007"));
        assertThat(ft.store.all()).isEmpty();
    }

    @Test
    void aDeadLetterIsPushedToTheSoftwareThatTakesPushes() throws Exception {
        List<String> pushed = new CopyOnWriteArrayList<>();
        ccas.software = new LocalSoftware() {
            @Override
            public boolean pushes() {
                return true;
            }

            @Override
            public void push(String messageId, String messageType, byte[] body) {
                pushed.add(messageType + " " + messageId + " " + new String(body, StandardCharsets.UTF_8));
            }
        };
        AdviceWith.adviceWith(ccas.camel, "outbound-deliver", a -> a.weaveById("outbound-send").replace().process(e -> {
            throw new LiaisonException(ErrorCode.EXCHANGE_PEER_UNREACHABLE, "connection refused");
        }));
        startSender();

        String messageId = submitAndAwaitDelivery();

        // FAILED is recorded first, then the software is told.
        await().atMost(Duration.ofSeconds(10)).until(() -> !pushed.isEmpty());
        assertThat(pushed).singleElement().asString().startsWith("MESSAGE_FAILED " + messageId)
                .contains("\"status\":\"FAILED\"", "\"step\":\"DEAD_LETTERED\"", "\"errorCode\":\"GW-EXCHANGE-008\"",
                        "\"lastTryErrorCode\":\"GW-EXCHANGE-007\"");
    }

    /** Accepted under a consent revoked before it left (an unreachable peer, a re-submission): failed, never sent. */
    @Test
    void aMessageWhoseConsentIsRevokedBeforeItLeavesIsNotSent() throws Exception {
        ConsentRecord consent = ccas.recordConsent();
        AdviceWith.adviceWith(ccas.camel, "outbound-deliver", a -> a.weaveById("outbound-seal").before()
                .process(e -> ccas.consents.markRevoked(consent.consentId(), java.time.Instant.now().minusSeconds(1))));
        startSender();

        String messageId = ccas.submit(Messages.fresh("referral.xml", "CCAS-29232", "FT-29", consent.consentId()));
        await().atMost(Duration.ofSeconds(20)).until(() -> ccas.stored(messageId, Direction.OUTBOUND).status(),
                status -> status == MessageStatus.DELIVERED || status == MessageStatus.FAILED);

        assertThat(ccas.stored(messageId, Direction.OUTBOUND).status()).isEqualTo(MessageStatus.FAILED);
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).errorCode()).isEqualTo("GW-CONSENT-003");
        assertThat(ccas.stepsOf(messageId)).containsExactly(AuditStep.ACCEPTED, AuditStep.FAILED);
        assertThat(ft.store.all()).isEmpty();
    }

    @Test
    void sealFailureFailsTheMessageWithItsCodeAndSendsNothing() throws Exception {
        AtomicInteger posts = new AtomicInteger();
        PeerTransport real = ccas.transport;
        ccas.transport = (endpoint, id, envelope) -> {
            posts.incrementAndGet();
            return real.post(endpoint, id, envelope);
        };
        AtomicInteger seals = new AtomicInteger();
        AdviceWith.adviceWith(ccas.camel, "outbound-deliver", a -> a.weaveById("outbound-seal").replace().process(e -> {
            seals.incrementAndGet();
            throw new LiaisonException(ErrorCode.ENVELOPE_SEAL_FAILED, "no usable encryption certificate");
        }));
        startSender();

        String messageId = submitAndAwaitDelivery();

        assertThat(seals).hasValue(1);
        assertThat(posts).hasValue(0);
        assertThat(ccas.entries(AuditStep.RETRIED)).isEmpty();
        assertThat(ccas.stepsOf(messageId)).containsExactly(AuditStep.ACCEPTED, AuditStep.FAILED);
        assertThat(ccas.auditOf(messageId).get(1).errorCode()).isEqualTo("GW-ENVELOPE-005");
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).status()).isEqualTo(MessageStatus.FAILED);
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).errorCode()).isEqualTo("GW-ENVELOPE-005");
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).history()).extracting(s -> s.step()).doesNotContain("SENT");
        assertThat(ccas.store.keptEnvelope(messageId)).isEmpty();
        assertThat(deadLetter.getReceivedCounter()).isZero();
        assertThat(ft.store.all()).isEmpty();
    }

    @Test
    void serverErrorFromThePeerIsRetriedAndMaySucceed() throws Exception {
        AtomicInteger posts = new AtomicInteger();
        List<byte[]> envelopes = new CopyOnWriteArrayList<>();
        PeerTransport real = ccas.transport;
        ccas.transport = (endpoint, id, envelope) -> {
            envelopes.add(envelope.clone());
            return posts.incrementAndGet() == 1 ? new PeerTransport.PeerReply(503, new byte[0]) : real.post(endpoint, id, envelope);
        };
        startSender();

        String messageId = submitAndAwaitDelivery();

        assertThat(posts).hasValue(2);
        // The envelope kept with the first SENT is the one sent again, then forgotten once delivered.
        assertThat(envelopes.get(1)).isEqualTo(envelopes.get(0));
        assertThat(ccas.store.keptEnvelope(messageId)).isEmpty();
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(ccas.stepsOf(messageId)).containsExactly(AuditStep.ACCEPTED, AuditStep.SENT, AuditStep.RETRIED,
                AuditStep.SENT, AuditStep.RECEIPT_VERIFIED, AuditStep.DELIVERED);
        assertThat(deadLetter.getReceivedCounter()).isZero();
    }

    @Test
    void aPeerServerCertificateTheDirectoryDoesNotListIsRetriedLikeAnUnreachablePeer() throws Exception {
        AtomicInteger posts = new AtomicInteger();
        PeerTransport real = ccas.transport;
        ccas.transport = (recipient, id, envelope) -> {
            if (posts.incrementAndGet() == 1) {
                throw new LiaisonException(ErrorCode.EXCHANGE_PEER_SERVER_CERTIFICATE, recipient.id());
            }
            return real.post(recipient, id, envelope);
        };
        startSender();

        String messageId = submitAndAwaitDelivery();

        assertThat(posts).hasValue(2);
        assertThat(ccas.stepsOf(messageId)).containsExactly(AuditStep.ACCEPTED, AuditStep.SENT, AuditStep.RETRIED,
                AuditStep.SENT, AuditStep.RECEIPT_VERIFIED, AuditStep.DELIVERED);
        assertThat(ccas.auditOf(messageId).get(2).errorCode()).isEqualTo("GW-EXCHANGE-009");
        assertThat(deadLetter.getReceivedCounter()).isZero();
    }

    @Test
    void rejectionByThePeerFailsAtOnceAndIsNeverRetried() throws Exception {
        AtomicInteger posts = new AtomicInteger();
        // The TLS connection authenticates another participant than the envelope's signer: FT-29 rejects it.
        PeerTransport rejecting = TestNode.inProcess(ft, "CD-29");
        ccas.transport = (endpoint, id, envelope) -> {
            posts.incrementAndGet();
            return rejecting.post(endpoint, id, envelope);
        };
        startSender();

        String messageId = submitAndAwaitDelivery();

        assertThat(posts).hasValue(1);
        assertThat(ccas.entries(AuditStep.RETRIED)).isEmpty();
        assertThat(ccas.stepsOf(messageId)).containsExactly(AuditStep.ACCEPTED, AuditStep.SENT, AuditStep.FAILED);
        assertThat(ccas.auditOf(messageId).get(2).errorCode()).isEqualTo("GW-EXCHANGE-006");
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).status()).isEqualTo(MessageStatus.FAILED);
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).errorCode()).isEqualTo("GW-EXCHANGE-006");
        assertThat(ft.entries(AuditStep.REJECTED)).extracting(AuditEntry::errorCode).containsExactly("GW-SIGNATURE-008");
        // The sender's history says why, with the recipient's own code on the step that ended it.
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).history()).last()
                .satisfies(step -> assertThat(step.errorCode()).isEqualTo("GW-SIGNATURE-008"));
        assertThat(deadLetter.getReceivedCounter()).isZero();
    }

    @Test
    void invalidReceiptFailsAtOnceAndIsNeverRetried() throws Exception {
        AtomicInteger posts = new AtomicInteger();
        ccas.transport = (endpoint, id, envelope) -> {
            posts.incrementAndGet();
            return new PeerTransport.PeerReply(200, "<ok/>".getBytes(StandardCharsets.UTF_8));
        };
        startSender();

        String messageId = submitAndAwaitDelivery();

        assertThat(posts).hasValue(1);
        assertThat(ccas.entries(AuditStep.RETRIED)).isEmpty();
        assertThat(ccas.stepsOf(messageId)).containsExactly(AuditStep.ACCEPTED, AuditStep.SENT, AuditStep.FAILED);
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).status()).isEqualTo(MessageStatus.FAILED);
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).errorCode()).isEqualTo("GW-EXCHANGE-005");
        assertThat(deadLetter.getReceivedCounter()).isZero();
    }

    @Test
    void receiptForAnotherEnvelopeIsInvalid() throws Exception {
        // FT-29 accepts the envelope, but the receipt comes back for a message sent earlier.
        PeerTransport real = ccas.transport;
        byte[][] first = new byte[1][];
        ccas.transport = (endpoint, id, envelope) -> {
            PeerTransport.PeerReply reply = real.post(endpoint, id, envelope);
            if (first[0] == null) {
                first[0] = reply.body();
                return reply;
            }
            return new PeerTransport.PeerReply(200, first[0]);
        };
        startSender();
        String firstId = submitAndAwaitDelivery();
        assertThat(ccas.stored(firstId, Direction.OUTBOUND).status()).isEqualTo(MessageStatus.DELIVERED);

        String messageId = submitAndAwaitDelivery();

        assertThat(ccas.stored(messageId, Direction.OUTBOUND).status()).isEqualTo(MessageStatus.FAILED);
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).errorCode()).isEqualTo("GW-EXCHANGE-005");
        assertThat(ccas.entries(AuditStep.RETRIED)).isEmpty();
    }
}
