package fr.liaison.routes.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.consent.ConsentRecord;
import fr.liaison.routes.exchange.Direction;
import fr.liaison.routes.exchange.MessageStatus;
import fr.liaison.routes.exchange.StoredMessage;
import fr.liaison.schemas.error.LiaisonException;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The synchronous sending route: each step's refusal reaches the caller, is audited and enqueues nothing. */
class OutboundSubmitRouteTest {

    private TestNode ccas;
    private MockEndpoint enqueued;

    @BeforeEach
    void start() throws Exception {
        ccas = new TestNode("CCAS-29232");
        AdviceWith.adviceWith(ccas.camel, "outbound-submit", a -> a.weaveById("outbound-enqueue").replace().to("mock:enqueued"));
        ccas.start();
        enqueued = ccas.camel.getEndpoint("mock:enqueued", MockEndpoint.class);
    }

    @AfterEach
    void stop() {
        ccas.close();
    }

    @Test
    void acceptedMessageReturnsItsIdAndIsEnqueuedOnce() throws Exception {
        ConsentRecord consent = ccas.recordConsent();
        byte[] referral = Messages.fresh("referral.xml", "CCAS-29232", "FT-29", consent.consentId());
        String messageId = Messages.messageId(referral);
        enqueued.expectedBodiesReceived(messageId);

        assertThat(ccas.submit(referral)).isEqualTo(messageId);

        enqueued.assertIsSatisfied();
        StoredMessage stored = ccas.stored(messageId, Direction.OUTBOUND);
        assertThat(stored.status()).isEqualTo(MessageStatus.ACCEPTED);
        assertThat(stored.consentId()).isEqualTo(consent.consentId());
        assertThat(ccas.auditOf(messageId)).singleElement().satisfies(entry -> {
            assertThat(entry.step()).isEqualTo(AuditStep.ACCEPTED);
            assertThat(entry.actor()).isEqualTo("client-app");
            assertThat(entry.payloadDigest()).isNotNull();
        });
    }

    @Test
    void malformedXmlIsRefusedToTheCallerAndAuditedWithoutAMessage() {
        byte[] broken = "<Referral xmlns=\"urn:liaison:messages:v1\"><header>".getBytes(StandardCharsets.UTF_8);

        assertRefused(() -> ccas.submit(broken), "GW-XML-001");

        assertThat(enqueued.getReceivedCounter()).isZero();
        assertThat(ccas.store.all()).isEmpty();
        assertThat(ccas.entries(AuditStep.REFUSED)).singleElement().satisfies(entry -> {
            assertThat(entry.errorCode()).isEqualTo("GW-XML-001");
            assertThat(entry.messageId()).isNull();
            assertThat(entry.sender()).isEqualTo("CCAS-29232");
            assertThat(entry.actor()).isEqualTo("client-app");
        });
    }

    @Test
    void messageNamingAnotherSenderIsRefused() {
        ConsentRecord consent = ccas.recordConsent();
        byte[] referral = Messages.fresh("referral.xml", "CD-29", "FT-29", consent.consentId());

        assertRefused(() -> ccas.submit(referral), "GW-API-006");

        assertThat(enqueued.getReceivedCounter()).isZero();
        assertThat(ccas.store.all()).as("nothing kept: the same id can be sent again, corrected").isEmpty();
        // The officer sees which sender the message claimed, to which recipient; not under its id, which could be another's.
        assertThat(ccas.entries(AuditStep.REFUSED)).singleElement().satisfies(entry -> {
            assertThat(entry.errorCode()).isEqualTo("GW-API-006");
            assertThat(entry.messageId()).isNull();
            assertThat(entry.actor()).isNotNull();
            assertThat(entry.sender()).isEqualTo("CD-29");
            assertThat(entry.recipient()).isEqualTo("FT-29");
            assertThat(entry.messageType()).isEqualTo("REFERRAL");
        });
    }

    @Test
    void messageWithoutAKnownConsentIsRefusedAndKeptAsRefused() {
        byte[] referral = Messages.fresh("referral.xml", "CCAS-29232", "FT-29", UUID.randomUUID().toString());
        String messageId = Messages.messageId(referral);

        assertRefused(() -> ccas.submit(referral), "GW-CONSENT-001");

        assertThat(enqueued.getReceivedCounter()).isZero();
        StoredMessage stored = ccas.stored(messageId, Direction.OUTBOUND);
        assertThat(stored.status()).isEqualTo(MessageStatus.REFUSED);
        assertThat(stored.errorCode()).isEqualTo("GW-CONSENT-001");
        assertThat(stored.payload()).isNull();
        assertThat(ccas.auditOf(messageId)).singleElement().satisfies(entry -> {
            assertThat(entry.step()).isEqualTo(AuditStep.REFUSED);
            assertThat(entry.errorCode()).isEqualTo("GW-CONSENT-001");
            assertThat(entry.personHash()).isNotNull();
        });
    }

    @Test
    void refusedMessageMayBeSubmittedAgainOnceFixed() throws Exception {
        String unknownConsent = UUID.randomUUID().toString();
        byte[] referral = Messages.fresh("referral.xml", "CCAS-29232", "FT-29", unknownConsent);
        String messageId = Messages.messageId(referral);
        assertRefused(() -> ccas.submit(referral), "GW-CONSENT-001");

        ConsentRecord consent = ccas.recordConsent();
        String fixed = new String(referral, StandardCharsets.UTF_8).replace(unknownConsent, consent.consentId());
        enqueued.expectedBodiesReceived(messageId);

        assertThat(ccas.submit(fixed.getBytes(StandardCharsets.UTF_8))).isEqualTo(messageId);

        enqueued.assertIsSatisfied();
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).status()).isEqualTo(MessageStatus.ACCEPTED);
        assertThat(ccas.stepsOf(messageId)).containsExactly(AuditStep.REFUSED, AuditStep.ACCEPTED);
    }

    @Test
    void sameMessageSubmittedTwiceIsAcceptedOnce() throws Exception {
        byte[] referral = submittedReferral(ccas.recordConsent());
        String messageId = Messages.messageId(referral);

        assertThat(ccas.submit(referral)).isEqualTo(messageId);

        assertThat(ccas.store.all()).hasSize(1);
        assertThat(ccas.stepsOf(messageId)).containsExactly(AuditStep.ACCEPTED);
        // Both queue entries carry the message id as the broker's duplicate id: the broker keeps one.
        assertThat(enqueued.getExchanges()).extracting(e -> e.getMessage().getHeader(ExchangeHeaders.DUPLICATE_DETECTION_ID))
                .containsExactly(messageId, messageId);
    }

    @Test
    void aFailedMessageSubmittedAgainIsRefusedWithItsFailureNotAccepted() throws Exception {
        byte[] referral = submittedReferral(ccas.recordConsent());
        String messageId = Messages.messageId(referral);
        ccas.store.updateStatus(messageId, Direction.OUTBOUND, MessageStatus.FAILED, AuditStep.DEAD_LETTERED.name(), "GW-EXCHANGE-008",
                java.time.Instant.now());

        assertThatThrownBy(() -> ccas.submit(referral)).isInstanceOf(CamelExecutionException.class)
                .cause().isInstanceOf(LiaisonException.class)
                .satisfies(e -> {
                    assertThat(((LiaisonException) e).code().code()).isEqualTo("GW-API-015");
                    assertThat(e.getMessage()).contains("GW-EXCHANGE-008").contains("dead letters");
                });

        assertThat(enqueued.getReceivedCounter()).as("not queued again").isEqualTo(1);
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).status()).isEqualTo(MessageStatus.FAILED);
        assertThat(ccas.auditOf(messageId)).last().satisfies(entry -> {
            assertThat(entry.step()).isEqualTo(AuditStep.REFUSED);
            assertThat(entry.errorCode()).isEqualTo("GW-API-015");
        });
    }

    @Test
    void otherContentUnderAKnownMessageIdIsRefused() throws Exception {
        ConsentRecord consent = ccas.recordConsent();
        byte[] referral = submittedReferral(consent);
        String messageId = Messages.messageId(referral);
        byte[] other = Messages.fresh("referral.xml", "CCAS-29232", "FT-29", consent.consentId(), h -> {
            h.setMessageId(messageId);
            h.setCreatedAt(Messages.now().minusSeconds(30));
        });

        assertRefused(() -> ccas.submit(other), "GW-API-005");

        assertThat(enqueued.getReceivedCounter()).isEqualTo(1);
        assertThat(ccas.stored(messageId, Direction.OUTBOUND).status()).isEqualTo(MessageStatus.ACCEPTED);
        assertThat(ccas.stepsOf(messageId)).containsExactly(AuditStep.ACCEPTED, AuditStep.REFUSED);
    }

    @Test
    void healthDetailIsMinimisedAwayForFranceTravail() throws Exception {
        TestNode cd = new TestNode("CD-29");
        AdviceWith.adviceWith(cd.camel, "outbound-submit", a -> {
            a.weaveById("outbound-minimise").after().to("mock:minimised");
            a.weaveById("outbound-enqueue").replace().to("mock:enqueued");
        });
        cd.start();
        try {
            ConsentRecord consent = cd.recordConsent();
            byte[] diagnosis = Messages.fresh("shared-diagnosis.xml", "CD-29", "FT-29", consent.consentId());
            assertThat(new String(diagnosis, StandardCharsets.UTF_8)).contains("<healthDetail>").contains("<detail>");
            MockEndpoint minimised = cd.camel.getEndpoint("mock:minimised", MockEndpoint.class);
            minimised.expectedMessageCount(1);

            String messageId = cd.submit(diagnosis);

            minimised.assertIsSatisfied();
            String payload = new String(cd.stored(messageId, Direction.OUTBOUND).payload(), StandardCharsets.UTF_8);
            assertThat(payload).doesNotContain("healthDetail").doesNotContain("<detail>").contains("<barriers>");
            assertThat(cd.stored(messageId, Direction.OUTBOUND).dataCategories()).doesNotContain("HEALTH_DETAIL")
                    .contains("BARRIER_SANTE");
            assertThat(cd.auditOf(messageId)).singleElement()
                    .satisfies(entry -> assertThat(entry.dataCategories()).doesNotContain("HEALTH_DETAIL"));
        } finally {
            cd.close();
        }
    }

    @Test
    void healthDetailIsKeptForADepartement() throws Exception {
        TestNode ft = new TestNode("FT-29");
        AdviceWith.adviceWith(ft.camel, "outbound-submit", a -> a.weaveById("outbound-enqueue").replace().to("mock:enqueued"));
        ft.start();
        try {
            ConsentRecord consent = ft.recordConsent("CD-29");
            byte[] diagnosis = Messages.fresh("shared-diagnosis.xml", "FT-29", "CD-29", consent.consentId());

            String messageId = ft.submit(diagnosis);

            String payload = new String(ft.stored(messageId, Direction.OUTBOUND).payload(), StandardCharsets.UTF_8);
            assertThat(payload).contains("<healthDetail>").contains("<detail>");
        } finally {
            ft.close();
        }
    }

    /** A fresh referral CCAS-29232 -> FT-29 under the consent, submitted once. */
    private byte[] submittedReferral(ConsentRecord consent) {
        byte[] referral = Messages.fresh("referral.xml", "CCAS-29232", "FT-29", consent.consentId());
        ccas.submit(referral);
        return referral;
    }

    static void assertRefused(Runnable call, String code) {
        assertThatThrownBy(call::run).isInstanceOf(CamelExecutionException.class)
                .cause().isInstanceOf(LiaisonException.class)
                .satisfies(e -> assertThat(((LiaisonException) e).code().code()).isEqualTo(code));
    }
}
