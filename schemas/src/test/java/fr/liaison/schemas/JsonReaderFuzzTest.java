package fr.liaison.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The JSON reader on arbitrary bytes: it either accepts a message or refuses with a code of the
 * JSON or schema families. Any other exception, a hang (libFuzzer's timeout) or running out of
 * the fork's heap is a finding. Seeds: the JSON samples of {@code schemas/samples/v1} (except the
 * one of over 1 MiB, which only tests the size limit).
 */
class JsonReaderFuzzTest {

    private static final MessageCodec CODEC = MessageCodec.v1();

    private static final Set<ErrorCode> JSON_REFUSALS = EnumSet.of(
            ErrorCode.JSON_MALFORMED, ErrorCode.JSON_TOO_LARGE, ErrorCode.JSON_TOO_DEEP, ErrorCode.JSON_MAPPING,
            ErrorCode.SCHEMA_INVALID, ErrorCode.SCHEMA_UNKNOWN_TYPE, ErrorCode.SCHEMA_RULE);

    @FuzzTest(maxDuration = "15s")
    @DictionaryFile(resourcePath = "messages-v1.dict")
    void readsAMessageOrRefusesWithAJsonOrSchemaCode(byte[] document) {
        ValidatedMessage message;
        try {
            message = CODEC.read(document, MessageFormat.JSON);
        } catch (LiaisonException refusal) {
            assertThat(refusal.code()).isIn(JSON_REFUSALS);
            return;
        }
        // The same message written as JSON is read back as the same message.
        ValidatedMessage again = CODEC.read(CODEC.toJson(message.message()), MessageFormat.JSON);
        assertThat(again.canonicalXml()).isEqualTo(message.canonicalXml());
    }
}
