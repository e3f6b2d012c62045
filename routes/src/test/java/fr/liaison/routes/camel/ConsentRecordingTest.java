package fr.liaison.routes.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.consent.ConsentRecord;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;
import fr.liaison.schemas.v1.CollectionMethod;
import fr.liaison.schemas.v1.Consent;

import java.util.UUID;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Recording a consent again: the same consent is harmless, another consent under its id is refused. */
class ConsentRecordingTest {

    private TestNode ccas;
    private byte[] first;

    @BeforeEach
    void start() throws Exception {
        ccas = new TestNode("CCAS-29232");
        ccas.start();
        first = Messages.consent("CCAS-29232", "FT-29");
        ccas.consentSteps.record(first, "client-app");
    }

    @AfterEach
    void stop() {
        ccas.close();
    }

    @Test
    void theSameConsentUnderAnotherHeaderIsRecordedOnce() {
        byte[] again = changed(consent -> {
            consent.getHeader().setMessageId(UUID.randomUUID().toString());
            consent.getHeader().setCreatedAt(consent.getHeader().getCreatedAt().plusSeconds(5));
        });

        ConsentRecord record = ccas.consentSteps.record(again, "client-app");

        assertThat(record.consentId()).isEqualTo(consentId());
        assertThat(ccas.entries(AuditStep.CONSENT_RECORDED)).hasSize(1);
    }

    @Test
    void anotherCollectionMethodOrProfessionalUnderTheSameIdIsRefused() {
        byte[] otherMethod = changed(consent -> consent.setCollectionMethod(CollectionMethod.ORAL_RECORDED));
        byte[] otherProfessional = changed(consent -> consent.getCollectedBy().getProfessional().setName("Someone Else"));

        for (byte[] other : new byte[][] {otherMethod, otherProfessional}) {
            assertThatThrownBy(() -> ccas.consentSteps.record(other, "client-app"))
                    .isInstanceOfSatisfying(LiaisonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONSENT_DUPLICATE));
        }
        assertThat(ccas.entries(AuditStep.CONSENT_RECORDED)).hasSize(1);
    }

    private String consentId() {
        return ((Consent) TestNode.CODEC.read(first, MessageFormat.XML).message()).getConsentId();
    }

    private byte[] changed(Consumer<Consent> change) {
        Consent consent = (Consent) TestNode.CODEC.read(first, MessageFormat.XML).message();
        change.accept(consent);
        return TestNode.CODEC.toXml(consent);
    }
}
