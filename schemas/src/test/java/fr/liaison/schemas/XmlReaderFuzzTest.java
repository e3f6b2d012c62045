package fr.liaison.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The XML reader on arbitrary bytes: it either accepts a message or refuses with a code of the
 * XML or schema families. Any other exception, a hang (libFuzzer's timeout) or running out of the
 * fork's heap is a finding. Seeds: the samples of {@code schemas/samples/v1} (except the two of
 * over 1 MiB, which only test the size limit and would make libFuzzer mutate 1 MiB inputs).
 */
class XmlReaderFuzzTest {

    private static final MessageCodec CODEC = MessageCodec.v1();

    private static final Set<ErrorCode> XML_REFUSALS = EnumSet.of(
            ErrorCode.XML_MALFORMED, ErrorCode.XML_DOCTYPE_FORBIDDEN, ErrorCode.XML_TOO_LARGE,
            ErrorCode.XML_TOO_DEEP, ErrorCode.XML_LIMIT_EXCEEDED,
            ErrorCode.SCHEMA_INVALID, ErrorCode.SCHEMA_UNKNOWN_TYPE, ErrorCode.SCHEMA_RULE);

    @FuzzTest(maxDuration = "15s")
    @DictionaryFile(resourcePath = "messages-v1.dict")
    void readsAMessageOrRefusesWithAnXmlOrSchemaCode(byte[] document) {
        ValidatedMessage message;
        try {
            message = CODEC.read(document, MessageFormat.XML);
        } catch (LiaisonException refusal) {
            assertThat(refusal.code()).isIn(XML_REFUSALS);
            return;
        }
        // An accepted message is written back in a form the reader accepts as the same message.
        ValidatedMessage again = CODEC.read(message.canonicalXml(), MessageFormat.XML);
        assertThat(again.canonicalXml()).isEqualTo(message.canonicalXml());
    }
}
