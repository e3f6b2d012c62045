package fr.liaison.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.schemas.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocationsTest {

    private final MessageCodec codec = MessageCodec.v1();

    @Test
    void xmlSchemaViolationPointsToLineColumnAndElementPath() {
        List<Violation> violations = codec.validate(Samples.invalid("referral-bad-france-travail-id.xml"), MessageFormat.XML);

        assertThat(violations).first().satisfies(v -> {
            assertThat(v.code()).isEqualTo(ErrorCode.SCHEMA_INVALID);
            assertThat(v.location()).isEqualTo("18:47 /Referral/person/franceTravailId");
        });
    }

    @Test
    void jsonSchemaViolationPointsToJsonPointer() {
        List<Violation> violations = codec.validate(Samples.invalid("referral-bad-france-travail-id.json"), MessageFormat.JSON);

        assertThat(violations).first().extracting(Violation::location).isEqualTo("/person/franceTravailId");
    }

    @Test
    void listItemIsLocatedByPositionInBothForms() {
        assertThat(codec.validate(Samples.invalid("resource-directory-entry-bad-thematique.xml"), MessageFormat.XML))
                .first().extracting(Violation::location)
                .isEqualTo("21:57 /ResourceDirectoryEntry/thematiques/thematique[2]");

        byte[] json = Samples.validText("resource-directory-entry.json")
                .replace("mobilite--financer-ma-mobilite", "mobilite--louer-une-voiture")
                .getBytes(StandardCharsets.UTF_8);
        // An unknown enum value fails JSON binding already, with the pointer of the item.
        assertThat(codec.validate(json, MessageFormat.JSON)).first().satisfies(v -> {
            assertThat(v.code()).isEqualTo(ErrorCode.JSON_MAPPING);
            assertThat(v.location()).isEqualTo("/thematiques/1");
        });
    }

    @Test
    void patternViolationInsideAListIsLocatedByJsonIndex() {
        byte[] json = Samples.validText("shared-diagnosis.json")
                .replace("\"code\" : \"27\"", "\"code\" : \"27a\"")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(codec.validate(json, MessageFormat.JSON)).first()
                .extracting(Violation::location).isEqualTo("/barriers/1/situations/0/code");
    }

    @Test
    void jsonBindingErrorsCarryThePointerOfTheField() {
        assertThat(codec.validate(Samples.invalid("referral-number-for-string.json"), MessageFormat.JSON))
                .containsExactly(new Violation(ErrorCode.JSON_MAPPING, "/person/lastName", "value has the wrong format for a string"));
        assertThat(codec.validate(Samples.invalid("referral-unknown-property.json"), MessageFormat.JSON))
                .first().extracting(Violation::location).isEqualTo("/person/nir");
    }

    @Test
    void ruleViolationsNameTheFieldInTheFormOfTheInput() {
        assertThat(codec.validate(Samples.invalid("shared-diagnosis-health-detail-undeclared.xml"), MessageFormat.XML))
                .containsExactly(new Violation(ErrorCode.SCHEMA_RULE, "/SharedDiagnosis/header/dataCategories",
                        "dataCategories must declare HEALTH_DETAIL, present in the body"));
        assertThat(codec.validate(Samples.invalid("shared-diagnosis-health-detail-undeclared.json"), MessageFormat.JSON))
                .extracting(Violation::location).containsExactly("/header/dataCategories");
    }

    @Test
    void violationMessagesDoNotRepeatTheOffendingValue() {
        assertThat(codec.validate(Samples.invalid("referral-bad-france-travail-id.xml"), MessageFormat.XML))
                .allSatisfy(v -> assertThat(v.message()).doesNotContain("451827K"));
        assertThat(codec.validate(Samples.invalid("referral-number-for-string.json"), MessageFormat.JSON))
                .allSatisfy(v -> assertThat(v.message()).doesNotContain("42"));
    }

    @Test
    void everyViolationOfAMessageIsReported() {
        String xml = Samples.validText("referral.xml")
                .replace("<franceTravailId>0451827K<", "<franceTravailId>bad<")
                .replace("<birthDate>1987-03-14<", "<birthDate>14/03/1987<");

        assertThat(codec.validate(xml.getBytes(StandardCharsets.UTF_8), MessageFormat.XML))
                .extracting(Violation::location)
                .anyMatch(l -> l.endsWith("/Referral/person/franceTravailId"))
                .anyMatch(l -> l.endsWith("/Referral/person/birthDate"));
    }
}
