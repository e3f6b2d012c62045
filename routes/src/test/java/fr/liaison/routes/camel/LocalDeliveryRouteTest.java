package fr.liaison.routes.camel;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.consent.ConsentRecord;
import fr.liaison.routes.envelope.EnvelopeSealer;
import fr.liaison.routes.exchange.Direction;
import fr.liaison.routes.exchange.LocalSoftware;
import fr.liaison.routes.exchange.MessageStatus;
import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * From FT-29's inbound queue to its software's webhook: retried without end until the software
 * takes the message, and never handed over once the consent is revoked.
 */
class LocalDeliveryRouteTest {

    /** A webhook that refuses its first {@code failures} calls, then takes every message. */
    static final class Webhook implements LocalSoftware {
        final AtomicInteger failures;
        final AtomicInteger calls = new AtomicInteger();
        final List<String> taken = new CopyOnWriteArrayList<>();

        Webhook(int failures) {
            this.failures = new AtomicInteger(failures);
        }

        @Override
        public boolean pushes() {
            return true;
        }

        @Override
        public void push(String messageId, String messageType, byte[] xml) {
            calls.incrementAndGet();
            if (failures.getAndDecrement() > 0) {
                throw new LiaisonException(ErrorCode.LOCAL_SOFTWARE_UNREACHABLE, "webhook answered 503");
            }
            taken.add(messageType + " " + messageId);
        }
    }

    private TestNode ccas;
    private TestNode ft;
    private ConsentRecord consent;

    @BeforeEach
    void nodes() throws Exception {
        ccas = new TestNode("CCAS-29232");
        ft = new TestNode("FT-29").start();
        ccas.transport = TestNode.inProcess(ft, "CCAS-29232");
        consent = ccas.recordConsent();
    }

    @AfterEach
    void stop() {
        ccas.close();
        ft.close();
    }

    private String receiveReferral() {
        byte[] xml = Messages.fresh("referral.xml", "CCAS-29232", "FT-29", consent.consentId());
        String messageId = Messages.messageId(xml);
        byte[] envelope = new EnvelopeSealer(ccas.keys).seal(xml, DevNetwork.directory().require("FT-29").encryptionCertificate(),
                consent.proof());
        assertThat(ft.receive(envelope, "CCAS-29232", messageId).getMessage().getHeader(ExchangeHeaders.REJECTED)).isNull();
        return messageId;
    }

    @Test
    void webhookRefusingTwiceIsRetriedUntilItTakesTheMessageOnce() {
        Webhook webhook = new Webhook(2);
        ft.software = webhook;
        NotifyBuilder done = new NotifyBuilder(ft.camel).fromRoute("local-deliver").whenCompleted(1).create();

        String messageId = receiveReferral();

        assertThat(done.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(webhook.calls).hasValue(3);
        assertThat(webhook.taken).containsExactly("REFERRAL " + messageId);
        assertThat(ft.stored(messageId, Direction.INBOUND).status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(ft.stepsOf(messageId)).containsExactly(AuditStep.RECEIVED, AuditStep.DELIVERED);
        assertThat(ft.auditOf(messageId).get(1).actor()).isEqualTo("webhook");
        assertThat(ft.store.inbox(10)).isEmpty();
    }

    @Test
    void aPushAuditedByARunKilledBeforeItsStatusChangeIsNeitherMadeNorAuditedAgain() throws Exception {
        Webhook webhook = new Webhook(0);
        ft.software = webhook;
        ft.camel.getRouteController().stopRoute("local-deliver");
        String messageId = receiveReferral();
        // The killed run pushed the message and committed its audit entry; its status change died with it.
        Instant handedOver = Instant.now().minusSeconds(5);
        AuditEntry received = ft.auditOf(messageId).get(0);
        ft.audit.append(new AuditEntry(handedOver, AuditStep.DELIVERED, messageId, received.correlationId(), received.messageType(),
                received.sender(), received.recipient(), received.purpose(), received.dataCategories(), received.consentId(), null, null,
                "webhook", received.personHash()));
        NotifyBuilder done = new NotifyBuilder(ft.camel).fromRoute("local-deliver").whenDone(1).create();

        ft.camel.getRouteController().startRoute("local-deliver");

        assertThat(done.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(webhook.calls).hasValue(0);
        assertThat(ft.stored(messageId, Direction.INBOUND).status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(ft.stored(messageId, Direction.INBOUND).history()).extracting(h -> h.step() + " " + h.at().equals(handedOver))
                .containsExactly("RECEIVED false", "DELIVERED true");
        assertThat(ft.stepsOf(messageId)).containsExactly(AuditStep.RECEIVED, AuditStep.DELIVERED);
    }

    @Test
    void messageWhoseConsentIsRevokedBeforeDeliveryIsWithdrawn() throws Exception {
        Webhook webhook = new Webhook(0);
        ft.software = webhook;
        ft.camel.getRouteController().stopRoute("local-deliver");
        String messageId = receiveReferral();
        ft.consents.markRevoked(consent.consentId(), Instant.now());
        NotifyBuilder done = new NotifyBuilder(ft.camel).fromRoute("local-deliver").whenDone(1).create();

        ft.camel.getRouteController().startRoute("local-deliver");

        assertThat(done.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(webhook.calls).hasValue(0);
        assertThat(ft.stored(messageId, Direction.INBOUND).status()).isEqualTo(MessageStatus.WITHDRAWN);
        assertThat(ft.stored(messageId, Direction.INBOUND).errorCode()).isEqualTo("GW-CONSENT-003");
        assertThat(ft.stepsOf(messageId)).containsExactly(AuditStep.RECEIVED);
    }

    @Test
    void revocationFromTheSenderWithdrawsWhatIsUndeliveredAndIsItselfDelivered() throws Exception {
        Webhook webhook = new Webhook(0);
        ft.software = webhook;
        ft.camel.getRouteController().stopRoute("local-deliver");
        ccas.start();
        NotifyBuilder first = new NotifyBuilder(ccas.camel).fromRoute("outbound-deliver").whenDone(1).create();
        NotifyBuilder sent = new NotifyBuilder(ccas.camel).fromRoute("outbound-deliver").whenDone(2).create();
        String referralId = ccas.submit(Messages.fresh("referral.xml", "CCAS-29232", "FT-29", consent.consentId()));
        assertThat(first.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ccas.stored(referralId, Direction.OUTBOUND).status()).isEqualTo(MessageStatus.DELIVERED);

        List<byte[]> revocations = ccas.consentSteps.revoke(consent.consentId(), "asked by the person", "officer");
        assertThat(revocations).hasSize(1);
        String revocationId = ccas.submit(revocations.get(0));
        assertThat(sent.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ccas.stored(revocationId, Direction.OUTBOUND).status()).isEqualTo(MessageStatus.DELIVERED);

        // At FT-29 the revocation applied on arrival: the referral still queued is withdrawn.
        assertThat(ft.consents.find(consent.consentId()).orElseThrow().revokedAt()).isNotNull();
        assertThat(ft.stored(referralId, Direction.INBOUND).status()).isEqualTo(MessageStatus.WITHDRAWN);
        assertThat(ft.entries(AuditStep.REVOCATION_RECEIVED)).extracting(AuditEntry::messageId).containsExactly(revocationId);

        NotifyBuilder delivered = new NotifyBuilder(ft.camel).fromRoute("local-deliver").whenDone(2).create();
        ft.camel.getRouteController().startRoute("local-deliver");
        assertThat(delivered.matches(10, TimeUnit.SECONDS)).isTrue();

        // The software never sees the withdrawn referral, but it must learn of the revocation.
        assertThat(webhook.taken).containsExactly("CONSENT_REVOCATION " + revocationId);
        assertThat(ft.stored(revocationId, Direction.INBOUND).status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(ft.stored(referralId, Direction.INBOUND).status()).isEqualTo(MessageStatus.WITHDRAWN);
    }

    @Test
    void revocationAfterDeliveryForgetsWhatTheSoftwareHadSoTheNodeServesItNoMore() throws Exception {
        Webhook webhook = new Webhook(0);
        ft.software = webhook;
        ccas.start();
        NotifyBuilder referralIn = new NotifyBuilder(ft.camel).fromRoute("local-deliver").whenDone(1).create();
        String referralId = ccas.submit(Messages.fresh("referral.xml", "CCAS-29232", "FT-29", consent.consentId()));
        assertThat(referralIn.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ft.stored(referralId, Direction.INBOUND).status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(ft.stored(referralId, Direction.INBOUND).payload()).isNotNull();

        NotifyBuilder revocationIn = new NotifyBuilder(ft.camel).fromRoute("local-deliver").whenDone(1).create();
        String revocationId = ccas.submit(ccas.consentSteps.revoke(consent.consentId(), "asked by the person", "officer").get(0));
        assertThat(revocationIn.matches(10, TimeUnit.SECONDS)).isTrue();

        assertThat(ft.stored(referralId, Direction.INBOUND).status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(ft.stored(referralId, Direction.INBOUND).payload()).as("the referral's content, forgotten").isNull();
        assertThat(ft.stored(revocationId, Direction.INBOUND).payload()).as("the revocation is news, not data under the consent").isNotNull();
        assertThat(webhook.taken).containsExactly("REFERRAL " + referralId, "CONSENT_REVOCATION " + revocationId);
        assertThat(ft.local.readable(referralId)).isEmpty();
        assertThat(ft.local.readable(revocationId)).isPresent();
    }

    @Test
    void aMessageDeliveredWhileItsConsentWasBeingRevokedIsNotReadableAfterwards() throws Exception {
        Webhook webhook = new Webhook(0);
        ft.software = webhook;
        NotifyBuilder delivered = new NotifyBuilder(ft.camel).fromRoute("local-deliver").whenDone(1).create();
        String messageId = receiveReferral();
        assertThat(delivered.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ft.local.readable(messageId)).isPresent();

        // The revocation found the message being pushed: its content was kept, the consent is revoked.
        ft.consents.markRevoked(consent.consentId(), Instant.now());

        assertThat(ft.stored(messageId, Direction.INBOUND).payload()).isNotNull();
        assertThat(ft.local.readable(messageId)).isEmpty();
    }
}
