package fr.liaison.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.util.List;

import org.junit.jupiter.api.Test;

class RouteOutcomesTest {

    @Test
    void theLogSaysWhereAndWhichRuleNeverWhatTheDetailsQuote() {
        LiaisonException schema = new LiaisonException(ErrorCode.SCHEMA_INVALID, List.of(
                "12:40 /Referral/person/birthDate: cvc-datatype-valid.1.2.1: not a valid value for 'date'",
                "/barriers/0/category: cvc-enumeration-valid: value not in the enumeration",
                "3:1 /{urn:evil&#10;INFO forged}Root: unknown root element",
                "consent 7c9e6679 does not cover HEALTH_DETAIL"), null);

        String where = RouteOutcomes.where(schema);

        assertThat(where).isEqualTo(" at /Referral/person/birthDate (cvc-datatype-valid.1.2.1), /barriers/0/category (cvc-enumeration-valid)");
        assertThat(RouteOutcomes.where(new LiaisonException(ErrorCode.CONSENT_CATEGORY_NOT_COVERED, "consent x does not cover HEALTH_DETAIL")))
                .isEmpty();
    }

    @Test
    void namesTheSchemaDoesNotDeclareAreNotLogged() {
        // The sender chose the element's name: it could hold a person's name or number.
        LiaisonException unknown = new LiaisonException(ErrorCode.SCHEMA_INVALID, List.of(
                "9:7 /Referral/person/Nom_Dupont_NIR_1870314123456: cvc-complex-type.2.4.a: Invalid content",
                "/Referral/barriers/barrier[2]/Dupont[3]: cvc-complex-type.2.4.a: Invalid content",
                "/SharedDiagnosis/healthDetail: cvc-maxLength-valid: too long"), null);

        assertThat(RouteOutcomes.where(unknown))
                .isEqualTo(" at /Referral/person/* (cvc-complex-type.2.4.a), /Referral/barriers/barrier[2]/*[3] (cvc-complex-type.2.4.a),"
                        + " /SharedDiagnosis/healthDetail (cvc-maxLength-valid)")
                .doesNotContain("Dupont").doesNotContain("187");
    }
}
