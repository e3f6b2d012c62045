package fr.liaison.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.schemas.error.LiaisonException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SamplesTest {

    private final MessageCodec codec = MessageCodec.v1();

    static Stream<String> validSamples() {
        return Samples.valid();
    }

    static Stream<String> xmlSamples() {
        return Samples.valid().filter(n -> n.endsWith(".xml"));
    }

    static Stream<String> invalidSamples() {
        return Samples.expectedCodes().stringPropertyNames().stream().sorted();
    }

    @ParameterizedTest
    @MethodSource("validSamples")
    void validSampleReadsInItsFormAndRoundTripsThroughBothForms(String name) {
        ValidatedMessage read = codec.read(Samples.valid(name), Samples.formatOf(name));

        ValidatedMessage viaXml = codec.read(codec.toXml(read.message()), MessageFormat.XML);
        ValidatedMessage viaJson = codec.read(codec.toJson(read.message()), MessageFormat.JSON);

        assertThat(viaXml.canonicalXml()).isEqualTo(read.canonicalXml());
        assertThat(viaJson.canonicalXml()).isEqualTo(read.canonicalXml());
        assertThat(read.messageType()).isEqualTo(read.header().getMessageType());
    }

    @ParameterizedTest
    @MethodSource("xmlSamples")
    void xmlAndJsonSamplesOfOneMessageHaveTheSameContent(String xmlName) {
        String jsonName = xmlName.replace(".xml", ".json");

        ValidatedMessage fromXml = codec.read(Samples.valid(xmlName), MessageFormat.XML);
        ValidatedMessage fromJson = codec.read(Samples.valid(jsonName), MessageFormat.JSON);

        assertThat(fromJson.canonicalXml()).isEqualTo(fromXml.canonicalXml());
        assertThat(fromJson.sourceFormat()).isEqualTo(MessageFormat.JSON);
    }

    @Test
    void everyMessageTypeHasAValidSampleInBothForms() {
        assertThat(Samples.valid().filter(n -> n.endsWith(".xml")).map(n -> codec.read(Samples.valid(n), MessageFormat.XML).messageType()))
                .containsAll(java.util.EnumSet.allOf(fr.liaison.schemas.v1.MessageType.class));
        assertThat(Samples.valid().filter(n -> n.endsWith(".json")).count())
                .isEqualTo(Samples.valid().filter(n -> n.endsWith(".xml")).count());
    }

    @ParameterizedTest
    @MethodSource("invalidSamples")
    void invalidSampleIsRefusedWithExactlyItsExpectedCode(String name) {
        String expected = Samples.expectedCodes().getProperty(name);
        byte[] bytes = Samples.invalid(name);

        assertThat(codec.validate(bytes, Samples.formatOf(name)))
                .isNotEmpty()
                .allSatisfy(v -> assertThat(v.code().code()).isEqualTo(expected));
        assertThatThrownBy(() -> codec.read(bytes, Samples.formatOf(name)))
                .isInstanceOfSatisfying(LiaisonException.class, e -> {
                    assertThat(e.code().code()).isEqualTo(expected);
                    assertThat(e.details()).isNotEmpty();
                });
    }

    @Test
    void everyMessageTypeHasAnInvalidSampleInBothForms() {
        for (fr.liaison.schemas.v1.MessageType type : fr.liaison.schemas.v1.MessageType.values()) {
            for (String form : java.util.List.of(".xml", ".json")) {
                assertThat(Samples.list(Samples.INVALID).filter(n -> n.endsWith(form) && typeNamed(n) == type))
                        .as("an invalid %s sample of %s", form, type).isNotEmpty();
            }
        }
    }

    /** The message type an invalid sample's name starts with (the longest match: consent-revocation- over consent-). */
    private static fr.liaison.schemas.v1.MessageType typeNamed(String sample) {
        return java.util.Arrays.stream(fr.liaison.schemas.v1.MessageType.values())
                .filter(t -> sample.startsWith(t.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-"))
                .max(java.util.Comparator.comparingInt(t -> t.name().length()))
                .orElseThrow(() -> new AssertionError(sample + " does not start with a message type"));
    }

    @Test
    void everyInvalidSampleHasAnExpectedCodeAndThereAreAtLeastTwenty() {
        assertThat(Samples.list(Samples.INVALID).toList())
                .containsExactlyInAnyOrderElementsOf(Samples.expectedCodes().stringPropertyNames())
                .hasSizeGreaterThanOrEqualTo(20);
    }
}
