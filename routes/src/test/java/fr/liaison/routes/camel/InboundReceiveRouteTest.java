package fr.liaison.routes.camel;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.consent.ConsentRecord;
import fr.liaison.routes.envelope.EnvelopeSealer;
import fr.liaison.routes.exchange.Direction;
import fr.liaison.routes.exchange.MessageStatus;
import fr.liaison.routes.receipt.Receipt;
import fr.liaison.routes.receipt.Receipts;
import fr.liaison.routes.signing.SignedContent;
import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.ValidatedMessage;
import fr.liaison.schemas.v1.Consent;
import fr.liaison.schemas.v1.ConsentRevocation;
import fr.liaison.schemas.v1.MessageHeader;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The synchronous receiving route at FT-29, fed envelopes sealed by CCAS-29232: every refusal is
 * answered with a signed rejection receipt naming its code, audited, and enqueues nothing.
 */
class InboundReceiveRouteTest {

    private TestNode ccas;
    private TestNode ft;
    private MockEndpoint enqueued;
    private ConsentRecord consent;
    private EnvelopeSealer ccasSealer;

    @BeforeEach
    void nodes() throws Exception {
        ccas = new TestNode("CCAS-29232");
        ft = new TestNode("FT-29");
        AdviceWith.adviceWith(ft.camel, "inbound-receive", a -> a.weaveById("inbound-enqueue").before().to("mock:enqueued"));
        ft.start();
        enqueued = ft.camel.getEndpoint("mock:enqueued", MockEndpoint.class);
        consent = ccas.recordConsent();
        ccasSealer = new EnvelopeSealer(ccas.keys);
    }

    @AfterEach
    void stop() {
        ccas.close();
        ft.close();
    }

    private byte[] referral() {
        return Messages.fresh("referral.xml", "CCAS-29232", "FT-29", consent.consentId());
    }

    private byte[] sealFor(String recipient, byte[] xml, byte[] proof) {
        return ccasSealer.seal(xml, DevNetwork.directory().require(recipient).encryptionCertificate(), proof);
    }

    private byte[] sealForFt(byte[] xml) {
        return sealFor("FT-29", xml, consent.proof());
    }

    /** The reply is a rejection receipt signed by FT-29 for these bytes, naming {@code code}; it was audited. */
    private Receipt assertRejected(Exchange reply, byte[] envelope, String messageId, String code) {
        assertThat(reply.getMessage().getHeader(ExchangeHeaders.REJECTED, Boolean.class)).isTrue();
        Receipt receipt = Receipts.verify(reply.getMessage().getBody(byte[].class), DevNetwork.directory(), "FT-29", messageId, envelope);
        assertThat(receipt.outcome()).isEqualTo(Receipt.Outcome.REJECTED);
        assertThat(receipt.errorCode()).isEqualTo(code);
        assertThat(ft.entries(AuditStep.REJECTED)).last().satisfies(entry -> {
            assertThat(entry.errorCode()).isEqualTo(code);
            assertThat(entry.messageId()).isEqualTo(messageId);
            assertThat(entry.actor()).isEqualTo(reply.getMessage().getHeader(ExchangeHeaders.TRANSPORT_SENDER));
        });
        return receipt;
    }

    @Test
    void acceptedEnvelopeIsKeptEnqueuedAndAnsweredWithAnAcceptance() throws Exception {
        byte[] xml = referral();
        String messageId = Messages.messageId(xml);
        byte[] envelope = sealForFt(xml);
        enqueued.expectedBodiesReceived(messageId);

        Exchange reply = ft.receive(envelope, "CCAS-29232", messageId);

        enqueued.assertIsSatisfied();
        assertThat(reply.getMessage().getHeader(ExchangeHeaders.REJECTED)).isNull();
        Receipt receipt = Receipts.verify(reply.getMessage().getBody(byte[].class), DevNetwork.directory(), "FT-29", messageId, envelope);
        assertThat(receipt.outcome()).isEqualTo(Receipt.Outcome.ACCEPTED);
        assertThat(receipt.sender()).isEqualTo("CCAS-29232");
        assertThat(ft.stored(messageId, Direction.INBOUND).status()).isEqualTo(MessageStatus.RECEIVED);
        assertThat(ft.stored(messageId, Direction.INBOUND).payload()).isEqualTo(xml);
        assertThat(ft.auditOf(messageId)).singleElement().satisfies(entry -> {
            assertThat(entry.step()).isEqualTo(AuditStep.RECEIVED);
            assertThat(entry.actor()).isEqualTo("CCAS-29232");
            assertThat(entry.consentId()).isEqualTo(consent.consentId());
        });
        assertThat(ft.consents.find(consent.consentId())).isPresent();
        assertThat(ft.store.inbox(10)).extracting(m -> m.messageId()).containsExactly(messageId);
    }

    @Test
    void garbageIsRejectedAsAMalformedEnvelope() {
        byte[] garbage = "definitely not CMS".getBytes(StandardCharsets.US_ASCII);
        String claimed = UUID.randomUUID().toString();

        Exchange reply = ft.receive(garbage, "CCAS-29232", claimed);

        assertRejected(reply, garbage, claimed, "GW-ENVELOPE-001");
        assertThat(ft.entries(AuditStep.REJECTED)).singleElement()
                .satisfies(entry -> assertThat(entry.payloadDigest()).isEqualTo(Receipts.sha256Hex(garbage)));
        assertThat(enqueued.getReceivedCounter()).isZero();
        assertThat(ft.store.all()).isEmpty();
    }

    @Test
    void garbageWithoutAUsableClaimedIdIsRejectedUnderTheNilId() {
        byte[] garbage = new byte[] {0x30, 0x03, 0x02, 0x01, 0x00};

        Exchange reply = ft.receive(garbage, "CCAS-29232", "not-an-id");

        assertRejected(reply, garbage, "00000000-0000-0000-0000-000000000000", "GW-ENVELOPE-001");
    }

    @Test
    void envelopeSealedForAnotherParticipantIsRejected() {
        byte[] xml = referral();
        String messageId = Messages.messageId(xml);
        byte[] envelope = sealFor("CD-29", xml, consent.proof());

        assertRejected(ft.receive(envelope, "CCAS-29232", messageId), envelope, messageId, "GW-ENVELOPE-003");
        assertThat(enqueued.getReceivedCounter()).isZero();
        assertThat(ft.store.all()).isEmpty();
    }

    @Test
    void envelopeSignedByAnotherParticipantThanTheTlsPeerIsRejected() {
        byte[] xml = referral();
        String messageId = Messages.messageId(xml);
        byte[] envelope = sealForFt(xml);

        assertRejected(ft.receive(envelope, "CD-29", messageId), envelope, messageId, "GW-SIGNATURE-008");
        assertThat(enqueued.getReceivedCounter()).isZero();
        assertThat(ft.store.all()).isEmpty();
    }

    @Test
    void messageNamingAnotherRecipientIsRejected() {
        byte[] xml = Messages.fresh("referral.xml", "CCAS-29232", "CD-29", consent.consentId());
        String messageId = Messages.messageId(xml);
        byte[] envelope = sealForFt(xml);

        assertRejected(ft.receive(envelope, "CCAS-29232", messageId), envelope, messageId, "GW-EXCHANGE-003");
        assertThat(enqueued.getReceivedCounter()).isZero();
    }

    @Test
    void envelopeSealedOutsideTheReplayWindowIsRejectedAsStale() {
        Instant now = Instant.now();
        Instant[] sealedAt = {now.minus(TestNode.REPLAY_WINDOW).minusSeconds(60), now.plus(TestNode.REPLAY_WINDOW).plusSeconds(60)};
        for (Instant at : sealedAt) {
            byte[] xml = referral();
            String messageId = Messages.messageId(xml);
            byte[] envelope = new EnvelopeSealer(ccas.keys, Clock.fixed(at, ZoneOffset.UTC))
                    .seal(xml, DevNetwork.directory().require("FT-29").encryptionCertificate(), consent.proof());
            assertRejected(ft.receive(envelope, "CCAS-29232", messageId), envelope, messageId, "GW-EXCHANGE-002");
        }
        assertThat(enqueued.getReceivedCounter()).isZero();
        assertThat(ft.store.all()).isEmpty();
    }

    @Test
    void messageClaimingAFutureCreationIsRejectedAsStale() {
        byte[] future = Messages.fresh("referral.xml", "CCAS-29232", "FT-29", consent.consentId(),
                h -> h.setCreatedAt(Messages.now().plus(TestNode.REPLAY_WINDOW).plusMinutes(1)));
        String messageId = Messages.messageId(future);
        byte[] envelope = sealForFt(future);

        assertRejected(ft.receive(envelope, "CCAS-29232", messageId), envelope, messageId, "GW-EXCHANGE-002");
        assertThat(ft.store.all()).isEmpty();
    }

    @Test
    void messageThatWaitedInItsSendersQueueIsAcceptedWhenFreshlySealed() throws Exception {
        byte[] old = Messages.fresh("referral.xml", "CCAS-29232", "FT-29", consent.consentId(),
                h -> h.setCreatedAt(Messages.now().minus(TestNode.REPLAY_WINDOW).minusHours(3)));
        String messageId = Messages.messageId(old);
        enqueued.expectedBodiesReceived(messageId);

        Exchange reply = ft.receive(sealForFt(old), "CCAS-29232", messageId);

        assertThat(reply.getMessage().getHeader(ExchangeHeaders.REJECTED)).isNull();
        enqueued.assertIsSatisfied();
    }

    @Test
    void sameEnvelopeReceivedTwiceGetsItsFirstReceiptAndIsNotDeliveredAgain() throws Exception {
        byte[] xml = referral();
        String messageId = Messages.messageId(xml);
        byte[] envelope = sealForFt(xml);
        enqueued.expectedBodiesReceived(messageId);
        byte[] first = ft.receive(envelope, "CCAS-29232", messageId).getMessage().getBody(byte[].class);

        Exchange again = ft.receive(envelope, "CCAS-29232", messageId);

        assertThat(again.getMessage().getHeader(ExchangeHeaders.REJECTED)).isNull();
        assertThat(again.getMessage().getBody(byte[].class)).isEqualTo(first);
        assertThat(Receipts.verify(first, DevNetwork.directory(), "FT-29", messageId, envelope).outcome())
                .isEqualTo(Receipt.Outcome.ACCEPTED);
        enqueued.assertIsSatisfied();
        assertThat(ft.stored(messageId, Direction.INBOUND).status()).isEqualTo(MessageStatus.RECEIVED);
        assertThat(ft.stepsOf(messageId)).containsExactly(AuditStep.RECEIVED, AuditStep.DUPLICATE);
    }

    @Test
    void sameMessageResealedByItsSenderIsAcknowledgedAndNotDeliveredAgain() throws Exception {
        byte[] xml = referral();
        String messageId = Messages.messageId(xml);
        enqueued.expectedBodiesReceived(messageId);
        ft.receive(sealForFt(xml), "CCAS-29232", messageId);
        byte[] again = sealForFt(xml);

        Exchange reply = ft.receive(again, "CCAS-29232", messageId);

        assertThat(reply.getMessage().getHeader(ExchangeHeaders.REJECTED)).isNull();
        assertThat(Receipts.verify(reply.getMessage().getBody(byte[].class), DevNetwork.directory(), "FT-29", messageId, again)
                .outcome()).isEqualTo(Receipt.Outcome.ACCEPTED);
        enqueued.assertIsSatisfied();
        assertThat(ft.store.all()).hasSize(1);
        assertThat(ft.stepsOf(messageId)).containsExactly(AuditStep.RECEIVED, AuditStep.DUPLICATE);
    }

    @Test
    void anotherMessageUnderAKnownIdIsRejectedAsAReplay() {
        byte[] xml = referral();
        String messageId = Messages.messageId(xml);
        ft.receive(sealForFt(xml), "CCAS-29232", messageId);
        byte[] other = Messages.fresh("referral.xml", "CCAS-29232", "FT-29", consent.consentId(), h -> {
            h.setMessageId(messageId);
            h.setCreatedAt(Messages.now().minusSeconds(30));
        });
        byte[] envelope = sealForFt(other);

        assertRejected(ft.receive(envelope, "CCAS-29232", messageId), envelope, messageId, "GW-EXCHANGE-001");
        assertThat(ft.store.all()).hasSize(1);
    }

    @Test
    void messageWithoutAConsentProofIsRejected() {
        byte[] xml = referral();
        String messageId = Messages.messageId(xml);
        byte[] envelope = sealFor("FT-29", xml, null);

        assertRejected(ft.receive(envelope, "CCAS-29232", messageId), envelope, messageId, "GW-CONSENT-008");
        assertThat(enqueued.getReceivedCounter()).isZero();
        assertThat(ft.store.all()).isEmpty();
        assertThat(ft.consents.find(consent.consentId())).isEmpty();
    }

    @Test
    void contentFailingTheSchemaOnceOpenedIsRejectedByValidation() throws Exception {
        AdviceWith.adviceWith(ft.camel, "inbound-receive", a -> {
            a.weaveById("inbound-open").after().to("mock:opened");
            a.weaveById("inbound-validate").after().to("mock:validated");
        });
        MockEndpoint opened = ft.camel.getEndpoint("mock:opened", MockEndpoint.class);
        MockEndpoint validated = ft.camel.getEndpoint("mock:validated", MockEndpoint.class);
        byte[] xml = referral();
        String messageId = Messages.messageId(xml);
        // A France Travail identifier the XSD refuses, signed and sealed by a genuine sender.
        byte[] invalid = new String(xml, StandardCharsets.UTF_8).replaceFirst("franceTravailId>[^<]+<", "franceTravailId>not an id<")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(invalid).isNotEqualTo(xml);
        byte[] envelope = sealForFt(invalid);

        assertRejected(ft.receive(envelope, "CCAS-29232", messageId), envelope, messageId, "GW-SCHEMA-001");
        assertThat(opened.getReceivedCounter()).isEqualTo(1);
        assertThat(validated.getReceivedCounter()).isZero();
        assertThat(enqueued.getReceivedCounter()).isZero();
        assertThat(ft.store.all()).isEmpty();
        assertThat(ft.consents.find(consent.consentId())).isEmpty();
    }

    @Test
    void consentProofForgedByAnotherParticipantIsRejected() {
        // The consent names CCAS-29232 as its collector, but CD-29 signed it.
        ValidatedMessage consentMessage = TestNode.CODEC.read(Messages.consent("CCAS-29232"), MessageFormat.XML);
        String consentId = ((Consent) consentMessage.message()).getConsentId();
        byte[] forged = SignedContent.sign(consentMessage.canonicalXml(), DevNetwork.keys("CD-29"));
        byte[] xml = Messages.fresh("referral.xml", "CCAS-29232", "FT-29", consentId);
        String messageId = Messages.messageId(xml);
        byte[] envelope = sealFor("FT-29", xml, forged);

        assertRejected(ft.receive(envelope, "CCAS-29232", messageId), envelope, messageId, "GW-CONSENT-008");
        assertThat(enqueued.getReceivedCounter()).isZero();
        assertThat(ft.store.all()).isEmpty();
        assertThat(ft.consents.find(consentId)).isEmpty();
    }

    @Test
    void alteredConsentProofIsRejected() {
        byte[] altered = consent.proof().clone();
        altered[altered.length / 2] ^= 0x01;
        byte[] xml = referral();
        String messageId = Messages.messageId(xml);
        byte[] envelope = sealFor("FT-29", xml, altered);

        assertRejected(ft.receive(envelope, "CCAS-29232", messageId), envelope, messageId, "GW-CONSENT-008");
        assertThat(enqueued.getReceivedCounter()).isZero();
        assertThat(ft.consents.find(consent.consentId())).isEmpty();
    }

    @Test
    void genuineProofOfAnotherConsentIsRejected() {
        ConsentRecord other = ccas.recordConsent();
        byte[] xml = Messages.fresh("referral.xml", "CCAS-29232", "FT-29", other.consentId());
        String messageId = Messages.messageId(xml);
        byte[] envelope = sealFor("FT-29", xml, consent.proof());

        assertRejected(ft.receive(envelope, "CCAS-29232", messageId), envelope, messageId, "GW-CONSENT-001");
        assertThat(enqueued.getReceivedCounter()).isZero();
        assertThat(ft.store.all()).isEmpty();
    }

    @Test
    void genuineProofThatDoesNotCoverTheRecipientIsRejected() {
        ConsentRecord forCouncilOnly = ccas.recordConsent("CD-29");
        byte[] xml = Messages.fresh("referral.xml", "CCAS-29232", "FT-29", forCouncilOnly.consentId());
        String messageId = Messages.messageId(xml);
        byte[] envelope = sealFor("FT-29", xml, forCouncilOnly.proof());

        assertRejected(ft.receive(envelope, "CCAS-29232", messageId), envelope, messageId, "GW-CONSENT-004");
        assertThat(enqueued.getReceivedCounter()).isZero();
        assertThat(ft.store.all()).isEmpty();
    }

    @Test
    void aProofOfOtherTermsUnderAConsentIdKnownHereIsRejected() {
        // The recorder signed another consent under an id this node already holds (here: a longer one).
        ft.consents.save(new ConsentRecord(consent.consentId(), consent.personHash(), consent.purpose(), consent.allowedRecipients(),
                consent.allowedCategories(), consent.grantedAt(), consent.expiresAt().minusSeconds(86_400), consent.recordedBy(), null,
                consent.proof()));
        byte[] xml = referral();
        String messageId = Messages.messageId(xml);
        byte[] envelope = sealForFt(xml);

        assertRejected(ft.receive(envelope, "CCAS-29232", messageId), envelope, messageId, "GW-CONSENT-010");
        assertThat(enqueued.getReceivedCounter()).isZero();
        assertThat(ft.consents.find(consent.consentId()).orElseThrow().expiresAt()).isEqualTo(consent.expiresAt().minusSeconds(86_400));
    }

    @Test
    void messageUnderAConsentRevokedHereIsRejected() {
        ft.consents.save(consent);
        ft.consents.markRevoked(consent.consentId(), java.time.Instant.now().minusSeconds(1));
        byte[] xml = referral();
        String messageId = Messages.messageId(xml);
        byte[] envelope = sealForFt(xml);

        assertRejected(ft.receive(envelope, "CCAS-29232", messageId), envelope, messageId, "GW-CONSENT-003");
        assertThat(enqueued.getReceivedCounter()).isZero();
    }

    @Test
    void rejectionAuditNamesTheMessageOnceItIsKnown() {
        byte[] xml = referral();
        String messageId = Messages.messageId(xml);
        byte[] envelope = sealFor("FT-29", xml, null);

        ft.receive(envelope, "CCAS-29232", UUID.randomUUID().toString());

        AuditEntry entry = ft.entries(AuditStep.REJECTED).get(0);
        assertThat(entry.messageId()).isEqualTo(messageId);
        assertThat(entry.sender()).isEqualTo("CCAS-29232");
        assertThat(entry.personHash()).isEqualTo(consent.personHash());
    }

    /** What France Travail does not receive is refused from a sender that did not minimise it away. */
    @Test
    void aDiagnosisTheSenderDidNotMinimiseForThisNodeIsRejected() {
        ConsentRecord covering = ccas.recordConsent("FT-29");
        byte[] xml = Messages.fresh("shared-diagnosis.xml", "CCAS-29232", "FT-29", covering.consentId());
        assertThat(new String(xml, StandardCharsets.UTF_8)).contains("<healthDetail>");
        String messageId = Messages.messageId(xml);
        byte[] envelope = sealFor("FT-29", xml, covering.proof());

        assertRejected(ft.receive(envelope, "CCAS-29232", messageId), envelope, messageId, "GW-EXCHANGE-011");
        assertThat(enqueued.getReceivedCounter()).isZero();
        assertThat(ft.store.all()).isEmpty();
    }

    // --- Revocations: only the recorder's, or one passed on by a node that sent data under the consent.

    private String lastRevocationId;

    private byte[] revocation(String sender, String revokedBy, OffsetDateTime revokedAt) {
        ConsentRevocation revocation = (ConsentRevocation) Messages.sample("consent-revocation.xml");
        MessageHeader header = revocation.getHeader();
        lastRevocationId = UUID.randomUUID().toString();
        header.setMessageId(lastRevocationId);
        header.setCreatedAt(Messages.now());
        header.setSender(sender);
        header.setRecipient("FT-29");
        header.setConsentRef(consent.consentId());
        revocation.setConsentId(consent.consentId());
        revocation.setRevokedBy(revokedBy);
        revocation.setRevokedAt(revokedAt);
        return TestNode.CODEC.toXml(revocation);
    }

    @Test
    void aRevocationFromAPartyThatSentNoDataUnderTheConsentIsRejected() throws Exception {
        consent = ccas.recordConsent("FT-29", "CD-29"); // CD-29 is a party to it, and sent nothing to FT-29
        ft.consents.save(consent);
        byte[] forged = revocation("CD-29", "CCAS-29232", Messages.now().minusSeconds(5));
        String messageId = Messages.messageId(forged);
        byte[] envelope = new EnvelopeSealer(DevNetwork.keys("CD-29"))
                .seal(forged, DevNetwork.directory().require("FT-29").encryptionCertificate(), null);

        assertRejected(ft.receive(envelope, "CD-29", messageId), envelope, messageId, "GW-CONSENT-004");
        assertThat(ft.consents.find(consent.consentId()).orElseThrow().revokedAt()).isNull();
    }

    /** A revocation from CCAS-29232, sealed for FT-29. */
    private record SealedRevocation(String messageId, byte[] envelope) {
    }

    private SealedRevocation fromCcas(String revokedBy, OffsetDateTime revokedAt) {
        byte[] xml = revocation("CCAS-29232", revokedBy, revokedAt);
        return new SealedRevocation(lastRevocationId, sealFor("FT-29", xml, null));
    }

    private void assertRejected(SealedRevocation sent, String code) {
        assertRejected(ft.receive(sent.envelope(), "CCAS-29232", sent.messageId()), sent.envelope(), sent.messageId(), code);
    }

    @Test
    void aRevocationNamingAnotherRevokerThanTheRecorderIsRejected() {
        ft.consents.save(consent);

        assertRejected(fromCcas("CD-29", Messages.now().minusSeconds(5)), "GW-CONSENT-009");
        assertThat(ft.consents.find(consent.consentId()).orElseThrow().revokedAt()).isNull();
    }

    /** Sent ahead and dated later, it would make the person's real revocation look like old news; dated before the grant, it is false. */
    @Test
    void aRevocationDatedInTheFutureOrBeforeTheGrantIsRejected() {
        ft.consents.save(consent);

        assertRejected(fromCcas("CCAS-29232", Messages.now().plusYears(70)), "GW-EXCHANGE-002");
        assertRejected(fromCcas("CCAS-29232", Messages.now().minusYears(1)), "GW-SCHEMA-003");
        assertThat(ft.consents.find(consent.consentId()).orElseThrow().revokedAt()).isNull();
    }

    /** The recorder revokes its consents itself: its node takes a revocation of one only as the echo of its own. */
    @Test
    void theRecordersNodeTakesNoRevocationOfItsOwnConsentFromAnother() throws Exception {
        ConsentRecord own = ft.recordConsent("CCAS-29232");
        byte[] xml = revocation("CCAS-29232", "FT-29", Messages.now().minusSeconds(5)).clone();
        ConsentRevocation revocation = (ConsentRevocation) TestNode.CODEC.read(xml, fr.liaison.schemas.MessageFormat.XML).message();
        revocation.setConsentId(own.consentId());
        revocation.getHeader().setConsentRef(own.consentId());
        byte[] forged = TestNode.CODEC.toXml(revocation);
        byte[] envelope = sealFor("FT-29", forged, null);

        assertRejected(ft.receive(envelope, "CCAS-29232", lastRevocationId), envelope, lastRevocationId, "GW-CONSENT-009");
        assertThat(ft.consents.find(own.consentId()).orElseThrow().revokedAt()).isNull();
    }

    @Test
    void theRecordersRevocationIsAppliedAndTheEarlierOfTwoStands() throws Exception {
        ft.consents.save(consent);
        OffsetDateTime later = Messages.now().minusSeconds(10);
        OffsetDateTime earlier = later.minusSeconds(20); // still after the grant, a minute ago
        for (OffsetDateTime revokedAt : new OffsetDateTime[] {later, earlier}) {
            SealedRevocation sent = fromCcas("CCAS-29232", revokedAt);
            Exchange reply = ft.receive(sent.envelope(), "CCAS-29232", sent.messageId());
            assertThat(reply.getMessage().getHeader(ExchangeHeaders.REJECTED)).isNull();
        }
        assertThat(ft.consents.find(consent.consentId()).orElseThrow().revokedAt()).isEqualTo(earlier.toInstant());
    }
}
