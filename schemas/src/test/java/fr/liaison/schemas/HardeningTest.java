package fr.liaison.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HardeningTest {

    private final MessageCodec codec = MessageCodec.v1();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The violations of the sample referral with {@code target} written as {@code replacement}. */
    private List<Violation> referralWith(String target, String replacement) {
        return codec.validate(utf8(Samples.validText("referral.xml").replace(target, replacement)), MessageFormat.XML);
    }

    @Test
    void anUndeclaredPrefixInAnXsiTypeIsARefusalNotAFailure() {
        List<Violation> violations = referralWith("<requestedAccompaniment>",
                "<requestedAccompaniment xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"l:AccompanimentKind\">");

        assertThat(violations).extracting(Violation::code).containsExactly(ErrorCode.SCHEMA_INVALID);
        assertThat(violations).first().extracting(Violation::location).asString().endsWith("/requestedAccompaniment");
    }

    @Test
    void aDeclaredPrefixInAnXsiTypeNamingTheElementsOwnTypeIsRead() {
        assertThat(referralWith("<requestedAccompaniment>",
                "<requestedAccompaniment xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:l=\"urn:liaison:messages:v1\""
                        + " xsi:type=\"l:AccompanimentKind\">")).isEmpty();
    }

    @Test
    void refusesDoctypeWithCode() {
        assertThatThrownBy(() -> codec.read(Samples.invalid("referral-doctype-xxe.xml"), MessageFormat.XML))
                .isInstanceOfSatisfying(LiaisonException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.XML_DOCTYPE_FORBIDDEN));
    }

    @Test
    void refusesDoctypeHiddenAfterCommentsAndProcessingInstructions() {
        String xml = "<?xml version=\"1.0\"?><!-- a --><?pi x?>\n<!DOCTYPE Referral SYSTEM \"http://example.invalid/x.dtd\"><Referral/>";

        assertThat(codec.validate(utf8(xml), MessageFormat.XML)).extracting(Violation::code)
                .containsExactly(ErrorCode.XML_DOCTYPE_FORBIDDEN);
    }

    @Test
    void refusesDoctypeEvenWhenThePrologCheckCannotSeeIt() {
        // UTF-16: the byte-level prolog check does not apply; the parser's own refusal does.
        byte[] xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE x [<!ENTITY e \"e\">]><x/>"
                .getBytes(StandardCharsets.UTF_16);

        assertThat(codec.validate(xml, MessageFormat.XML)).extracting(Violation::code)
                .containsExactly(ErrorCode.XML_DOCTYPE_FORBIDDEN);
    }

    @Test
    void refusesBillionLaughsBeforeExpandingAnything() {
        assertThat(codec.validate(Samples.invalid("referral-billion-laughs.xml"), MessageFormat.XML))
                .extracting(Violation::code).containsExactly(ErrorCode.XML_DOCTYPE_FORBIDDEN);
    }

    @Test
    void doesNotProcessXIncludeButRefusesItAsAnUnknownElement() {
        List<Violation> violations = codec.validate(Samples.invalid("referral-xinclude.xml"), MessageFormat.XML);

        assertThat(violations).extracting(Violation::code).containsOnly(ErrorCode.SCHEMA_INVALID);
        assertThat(violations).first().extracting(Violation::location).asString().endsWith("/Referral/include");
        assertThat(violations.toString()).doesNotContain("root:");
    }

    @Test
    void refusesOversizedDocumentsBeforeParsing() {
        MessageCodec small = new MessageCodec(new MessageCodec.Limits(512, 32));

        assertThat(small.validate(Samples.valid("referral.xml"), MessageFormat.XML))
                .extracting(Violation::code).containsExactly(ErrorCode.XML_TOO_LARGE);
        assertThat(small.validate(Samples.valid("referral.json"), MessageFormat.JSON))
                .extracting(Violation::code).containsExactly(ErrorCode.JSON_TOO_LARGE);
    }

    @Test
    void refusesNestingDeeperThanTheLimitInBothForms() {
        MessageCodec shallow = new MessageCodec(new MessageCodec.Limits(1024 * 1024, 3));

        assertThat(shallow.validate(Samples.valid("shared-diagnosis.xml"), MessageFormat.XML))
                .extracting(Violation::code).containsExactly(ErrorCode.XML_TOO_DEEP);
        assertThat(shallow.validate(Samples.valid("shared-diagnosis.json"), MessageFormat.JSON))
                .extracting(Violation::code).containsExactly(ErrorCode.JSON_TOO_DEEP);
    }

    @Test
    void refusesTooManyAttributesWithTheJdkLimitCode() {
        assertThat(codec.validate(Samples.invalid("referral-too-many-attributes.xml"), MessageFormat.XML))
                .extracting(Violation::code).containsExactly(ErrorCode.XML_LIMIT_EXCEEDED);
    }

    @Test
    void ignoresSchemaLocationHintsOfTheDocument() {
        assertThat(referralWith("<Referral xmlns=\"urn:liaison:messages:v1\">",
                "<Referral xmlns=\"urn:liaison:messages:v1\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                        + " xsi:schemaLocation=\"urn:liaison:messages:v1 http://example.invalid/evil.xsd\">")).isEmpty();
    }

    @Test
    void refusesMalformedInputWithItsPosition() {
        assertThat(codec.validate(Samples.invalid("referral-malformed.xml"), MessageFormat.XML))
                .singleElement().satisfies(v -> {
                    assertThat(v.code()).isEqualTo(ErrorCode.XML_MALFORMED);
                    assertThat(v.location()).isEqualTo("22:5");
                });
        assertThat(codec.validate(utf8("{\"header\": "), MessageFormat.JSON))
                .extracting(Violation::code).containsExactly(ErrorCode.JSON_MALFORMED);
    }

    @Test
    void refusesJsonThatIsNotAnObjectOrHasNoKnownType() {
        assertThat(codec.validate(utf8("[1, 2]"), MessageFormat.JSON)).extracting(Violation::code)
                .containsExactly(ErrorCode.JSON_MAPPING);
        assertThat(codec.validate(utf8("{\"person\": {}}"), MessageFormat.JSON)).extracting(Violation::code)
                .containsExactly(ErrorCode.SCHEMA_UNKNOWN_TYPE);
    }

    @Test
    void refusesJsonTextThatXmlCannotCarry() {
        String referral = Samples.validText("referral.json");

        for (String escape : List.of("\\u0000", "\\u001b", "\\ud800", "\\udc00x", "\\uffff")) {
            String json = referral.replace("\"lastName\" : \"Le Goff\"", "\"lastName\" : \"Le" + escape + "Goff\"");
            assertThat(codec.validate(utf8(json), MessageFormat.JSON)).as(escape).singleElement().satisfies(v -> {
                assertThat(v.code()).isEqualTo(ErrorCode.SCHEMA_INVALID);
                assertThat(v.location()).isEqualTo("/person/lastName");
            });
        }
        String paired = referral.replace("\"lastName\" : \"Le Goff\"", "\"lastName\" : \"Le \\ud83d\\ude00 Goff\"");
        assertThat(codec.validate(utf8(paired), MessageFormat.JSON)).isEmpty();
    }

    @Test
    void refusesScalarCoercionsInJson() {
        String json = Samples.validText("shared-diagnosis.json").replace("\"ftCode\" : 23", "\"ftCode\" : \"23\"");

        assertThat(codec.validate(utf8(json), MessageFormat.JSON)).singleElement().satisfies(v -> {
            assertThat(v.code()).isEqualTo(ErrorCode.JSON_MAPPING);
            assertThat(v.location()).isEqualTo("/barriers/0/ftCode");
        });
    }

    @Test
    void refusesEnumByIndexInJson() {
        String json = Samples.validText("referral-response.json").replace("\"decision\" : \"ACCEPTED\"", "\"decision\" : 0");

        assertThat(codec.validate(utf8(json), MessageFormat.JSON)).extracting(Violation::code)
                .containsExactly(ErrorCode.JSON_MAPPING);
    }

    @Test
    void refusesLocalTimeInJsonAsInXml() {
        String json = Samples.validText("follow-up-event.json").replace("2025-11-28T09:00:00Z", "2025-11-28T09:00:00");

        assertThat(codec.validate(utf8(json), MessageFormat.JSON)).isNotEmpty();
        assertThat(codec.validate(Samples.invalid("follow-up-event-created-at-without-offset.xml"), MessageFormat.XML))
                .isNotEmpty();
    }

    @Test
    void refusesANullItemOfAListInJsonAtItsPointer() {
        // A null item has no XML form: the XSD check never saw it and the message rules failed on
        // it with a NullPointerException.
        String barriers = Samples.validText("referral.json").replace("\"barriers\" : [ {", "\"barriers\" : [ null, {");
        String categories = Samples.validText("referral.json").replace("[ \"IDENTITY\",", "[ null, \"IDENTITY\",");

        assertThat(codec.validate(utf8(barriers), MessageFormat.JSON)).singleElement().satisfies(v -> {
            assertThat(v.code()).isEqualTo(ErrorCode.JSON_MAPPING);
            assertThat(v.location()).isEqualTo("/barriers/0");
        });
        assertThat(codec.validate(utf8(categories), MessageFormat.JSON)).singleElement().satisfies(v -> {
            assertThat(v.code()).isEqualTo(ErrorCode.JSON_MAPPING);
            assertThat(v.location()).isEqualTo("/header/dataCategories/0");
        });
    }

    @Test
    void refusesATimeTheXsdAcceptsButTheModelCannotHold() {
        // xs:dateTime allows 24:00:00, java.time does not: JAXB left createdAt empty and the
        // message was taken as valid without it.
        String xml = Samples.validText("referral.xml").replace("2025-03-10T10:15:00+01:00", "2025-03-10T24:00:00+01:00");

        assertThat(codec.validate(utf8(xml), MessageFormat.XML)).singleElement().satisfies(v -> {
            assertThat(v.code()).isEqualTo(ErrorCode.SCHEMA_INVALID);
            assertThat(v.location()).endsWith("/Referral/header/createdAt");
        });
    }
}
