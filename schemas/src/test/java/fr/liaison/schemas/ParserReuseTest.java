package fr.liaison.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What a document gets never depends on what the same thread read before it with the same codec,
 * a document refused half-way included (a guard for any reuse of parsers across documents).
 */
class ParserReuseTest {

    private record Document(String name, byte[] bytes, MessageFormat format) {
    }

    @Test
    void everyDocumentGetsOnAReusedParserWhatItGetsOnAFreshOne() {
        List<Document> documents = new ArrayList<>();
        Samples.valid().forEach(n -> documents.add(new Document(n, Samples.valid(n), Samples.formatOf(n))));
        Samples.list(Samples.INVALID).forEach(n -> documents.add(new Document(n, Samples.invalid(n), Samples.formatOf(n))));
        List<String> expected = documents.stream().map(d -> outcome(new MessageCodec(MessageCodec.Limits.defaults()), d)).toList();

        MessageCodec reused = new MessageCodec(MessageCodec.Limits.defaults());
        List<Integer> order = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < documents.size(); i++) {
                order.add(i);
            }
        }
        Collections.shuffle(order, new Random(7));
        for (int i : order) {
            Document d = documents.get(i);
            assertThat(outcome(reused, d)).as(d.name()).isEqualTo(expected.get(i));
        }
    }

    @Test
    void theParsersLimitsCountEachDocumentOnItsOwn() {
        // 300 predefined entity references per document: within every limit for one, far over for 200 together.
        String referral = Samples.validText("referral.xml");
        String escapes = "&amp;&lt;&gt;".repeat(100);
        int at = referral.indexOf("</comment>");
        String xml = referral.substring(0, at) + escapes + referral.substring(at);
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        MessageCodec codec = new MessageCodec(MessageCodec.Limits.defaults());
        List<Violation> first = codec.validate(bytes, MessageFormat.XML);
        for (int i = 0; i < 200; i++) {
            assertThat(codec.validate(bytes, MessageFormat.XML)).as("document %d", i).isEqualTo(first);
        }
        assertThat(first).isEmpty();
    }

    private static String outcome(MessageCodec codec, Document d) {
        List<Violation> violations = codec.validate(d.bytes(), d.format());
        if (!violations.isEmpty()) {
            return violations.toString();
        }
        return new String(codec.toXml(codec.read(d.bytes(), d.format()).message()), StandardCharsets.UTF_8);
    }
}
