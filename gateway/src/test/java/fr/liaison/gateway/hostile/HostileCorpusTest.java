package fr.liaison.gateway.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.gateway.ops.TestNode;
import fr.liaison.schemas.error.ErrorCode;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The corpus's manifest is well-formed, its data files exist, its expectations agree with the
 * catalogue and with the samples' own, and {@code docs/hostile-input.md} lists exactly its cases.
 * {@code -Dliaison.hostile.write-doc=true} rewrites the page's table from the manifest.
 */
class HostileCorpusTest {

    private static final Path DOC = Path.of("..", "docs", "hostile-input.md");
    private static final String BEGIN = "<!-- corpus:begin (generated from gateway/src/test/resources/hostile/cases.tsv) -->";
    private static final String END = "<!-- corpus:end -->";
    private static final Map<String, String> CHANNELS = Map.of(
            "local", "local API `POST /api/v1/messages`",
            "consents", "local API `POST /api/v1/consents`",
            "envelope", "inter-node endpoint",
            "transport", "either listener");

    private final List<HostileCase> corpus = HostileCase.corpus();

    @Test
    void hasAtLeast150UniquelyNamedCases() {
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(150);
        assertThat(corpus).extracting(HostileCase::id).doesNotHaveDuplicates().allMatch(id -> id.matches("[a-z0-9-]+"));
        assertThat(corpus).extracting(HostileCase::channel).allMatch(CHANNELS::containsKey);
    }

    @Test
    void everyExpectationIsACatalogueCodeOrATransportOutcome() {
        List<String> codes = Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList();
        assertThat(corpus).allSatisfy(c -> assertThat(c.expectsCode() ? codes.contains(c.expected())
                : c.channel().equals("transport") && List.of(HostileCase.HANDSHAKE_REFUSED, HostileCase.CONNECTION_CLOSED)
                        .contains(c.expected())).as(c.id() + " expects " + c.expected()).isTrue());
    }

    @Test
    void everyDataFileExists() {
        assertThat(corpus).allSatisfy(c -> Arrays.stream(c.input().split(" +"))
                .filter(word -> word.matches("(xml|json)/.+\\.(xml|json)"))
                .forEach(file -> assertThat(HostileCorpusTest.class.getResource("/hostile/" + file)).as(c.id() + ": " + file).isNotNull()));
    }

    @Test
    void reusedSamplesExpectWhatTheSamplesThemselvesExpect() throws IOException {
        Path invalid = TestNode.SAMPLES.resolve("v1").resolve("invalid");
        Properties expected = new Properties();
        try (Reader reader = Files.newBufferedReader(invalid.resolve("expected.properties"), StandardCharsets.UTF_8)) {
            expected.load(reader);
        }
        List<HostileCase> reused = corpus.stream().filter(c -> c.input().startsWith("samples:")).toList();
        assertThat(reused).hasSize(expected.size());
        assertThat(reused).allSatisfy(c -> assertThat(c.expected()).as(c.id())
                .isEqualTo(expected.getProperty(c.input().substring("samples:".length()))));
    }

    @Test
    void theDocumentationListsExactlyTheCorpus() throws IOException {
        String page = Files.readString(DOC, StandardCharsets.UTF_8);
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        assertThat(begin).as("%s has the markers of the generated table", DOC).isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String table = table();
        if (Boolean.getBoolean("liaison.hostile.write-doc")) {
            Files.writeString(DOC, page.substring(0, begin + BEGIN.length()) + "\n" + table + page.substring(end), StandardCharsets.UTF_8);
            page = Files.readString(DOC, StandardCharsets.UTF_8);
            begin = page.indexOf(BEGIN);
            end = page.indexOf(END);
        }
        assertThat(page.substring(begin + BEGIN.length() + 1, end))
                .as("the table of %s (regenerate it with -Dliaison.hostile.write-doc=true)", DOC).isEqualTo(table);
    }

    private String table() {
        StringBuilder table = new StringBuilder("| case | category | sent to | what is sent | expected refusal | audit entry |\n"
                + "|---|---|---|---|---|---|\n");
        for (HostileCase c : corpus) {
            table.append("| `").append(c.id()).append("` | ").append(c.category()).append(" | ").append(CHANNELS.get(c.channel()))
                    .append(" | ").append(c.description().replace("|", "\\|")).append(" | ")
                    .append(c.expectsCode() ? "`" + c.expected() + "`" : c.expected()).append(" | ")
                    .append(c.expectsCode() ? "yes" : c.expected().equals(HostileCase.HANDSHAKE_REFUSED)
                            ? "none: no HTTP request reaches the node" : "none: dropped before any request is complete").append(" |\n");
        }
        Map<String, Long> perCategory = corpus.stream().collect(Collectors.groupingBy(HostileCase::category,
                java.util.LinkedHashMap::new, Collectors.counting()));
        table.append("\n").append(corpus.size()).append(" cases: ").append(perCategory.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "))).append(".\n");
        return table.toString();
    }
}
