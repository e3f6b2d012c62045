package fr.liaison.gateway.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One case of the hostile-input corpus, as {@code hostile/cases.tsv} lists it: where it is sent
 * ({@code channel}), what is sent ({@code input}: a recipe, usually naming a data file under
 * {@code hostile/}, then {@code key=value} options) and the refusal expected, a catalogue code or,
 * for refusals below HTTP, {@value #HANDSHAKE_REFUSED} or {@value #CONNECTION_CLOSED}.
 */
record HostileCase(String id, String category, String channel, String input, String expected, String description) {

    static final String MANIFEST = "/hostile/cases.tsv";
    static final String HANDSHAKE_REFUSED = "handshake refused";
    static final String CONNECTION_CLOSED = "connection closed";

    static List<HostileCase> corpus() {
        try (InputStream in = HostileCase.class.getResourceAsStream(MANIFEST)) {
            if (in == null) {
                throw new IllegalStateException(MANIFEST + " is not on the test class path");
            }
            List<HostileCase> cases = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t", -1);
                if (fields.length != 6) {
                    throw new IllegalStateException("six tab-separated fields expected: " + line);
                }
                cases.add(new HostileCase(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the refusal is a catalogued code, hence answered over HTTP and audited. */
    boolean expectsCode() {
        return expected.startsWith("GW-");
    }

    /** The first word of the input: what to do. */
    String recipe() {
        return words()[0];
    }

    /** The words after the recipe that are not options (a file, a size...). */
    List<String> arguments() {
        return Arrays.stream(words()).skip(1).filter(w -> !w.contains("=")).toList();
    }

    String argument(int index) {
        return arguments().get(index);
    }

    /** The {@code key=value} options. */
    Map<String, String> options() {
        Map<String, String> options = new LinkedHashMap<>();
        Arrays.stream(words()).skip(1).filter(w -> w.contains("=")).forEach(w -> {
            int at = w.indexOf('=');
            options.put(w.substring(0, at), w.substring(at + 1));
        });
        return options;
    }

    String option(String key, String otherwise) {
        return options().getOrDefault(key, otherwise);
    }

    private String[] words() {
        return input.trim().split(" +");
    }

    @Override
    public String toString() {
        return id;
    }
}
