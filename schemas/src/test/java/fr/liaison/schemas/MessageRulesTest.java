package fr.liaison.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.schemas.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageRulesTest {

    private final MessageCodec codec = MessageCodec.v1();

    private List<Violation> validateValidWith(String sample, String from, String to) {
        String text = Samples.validText(sample);
        assertThat(text).contains(from);
        return codec.validate(text.replace(from, to).getBytes(StandardCharsets.UTF_8), Samples.formatOf(sample));
    }

    @Test
    void refusalReasonIsOnlyAllowedWhenRefused() {
        assertThat(validateValidWith("referral-response.xml", "<decision>ACCEPTED</decision>",
                "<decision>ACCEPTED</decision><refusalReason>AUTRE</refusalReason><refusalText>x</refusalText>"))
                .extracting(Violation::code, Violation::location)
                .contains(org.assertj.core.groups.Tuple.tuple(ErrorCode.SCHEMA_RULE, "/ReferralResponse/refusalReason"));
    }

    @Test
    void refusedResponseWithReasonIsValid() {
        assertThat(validateValidWith("referral-response.json", "\"decision\" : \"ACCEPTED\",",
                "\"decision\" : \"REFUSED\", \"refusalReason\" : \"FREINS_PERIPHERIQUES\","))
                .isEmpty();
    }

    @Test
    void undeclaredAndExtraCategoriesAreBothNamed() {
        List<Violation> violations = validateValidWith("referral.xml", "<dataCategory>BARRIER_LOGEMENT</dataCategory>",
                "<dataCategory>BARRIER_SANTE</dataCategory>");

        assertThat(violations).extracting(Violation::message).containsExactly(
                "dataCategories must declare BARRIER_LOGEMENT, present in the body",
                "dataCategories declares BARRIER_SANTE, absent from the body");
    }

    @Test
    void ftCodeMustBeTheCodeOfTheBarrierCategory() {
        assertThat(validateValidWith("shared-diagnosis.json", "\"ftCode\" : 27", "\"ftCode\" : 28"))
                .containsExactly(new Violation(ErrorCode.SCHEMA_RULE, "/barriers/1/ftCode",
                        "ftCode 28 is not France Travail's code of LOGEMENT (27)"));
        assertThat(validateValidWith("shared-diagnosis.xml", "<ftCode>27</ftCode>", "<ftCode>28</ftCode>"))
                .extracting(Violation::location).containsExactly("/SharedDiagnosis/barriers/barrier[2]/ftCode");
    }

    @Test
    void endedAccompanimentNeedsAnExitReason() {
        assertThat(validateValidWith("follow-up-event.xml", "<exitReason>EMPLOI_DURABLE</exitReason>", ""))
                .extracting(Violation::message)
                .contains("exitReason is required for ACCOMPANIMENT_ENDED");
    }

    @Test
    void personMessagesNeedAConsentReference() {
        assertThat(validateValidWith("referral.xml", "<consentRef>7c9e6679-7425-40de-944b-e07fc1f90ae7</consentRef>", ""))
                .containsExactly(new Violation(ErrorCode.SCHEMA_RULE, "/Referral/header/consentRef",
                        "consentRef is required for REFERRAL"));
    }
}
