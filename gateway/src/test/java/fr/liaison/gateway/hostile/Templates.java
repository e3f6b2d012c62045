package fr.liaison.gateway.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The corpus's data files are templates: {@code {{name}}} takes a value of the run (a fresh
 * message id, the current time, a consent recorded for the run), and {@code {{repeat N text}}}
 * stands for {@code text} N times, so a megabyte-sized case stays a small file. Files that are not
 * UTF-8 (a UTF-16 document, invalid bytes) are used as they are.
 */
final class Templates {

    private static final Pattern REPEAT = Pattern.compile("\\{\\{repeat (\\d+) (.+?)\\}\\}");
    private static final Pattern NAME = Pattern.compile("\\{\\{([a-zA-Z]+)\\}\\}");

    private Templates() {
    }

    static byte[] resource(String path) {
        try (InputStream in = Templates.class.getResourceAsStream("/hostile/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no data file hostile/" + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The data file with its placeholders filled in; every name it uses must have a value. */
    static byte[] expand(String path, Map<String, String> values) {
        byte[] raw = resource(path);
        String text = new String(raw, StandardCharsets.UTF_8);
        if (!text.contains("{{") || !java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), raw)) {
            return raw;
        }
        Matcher repeat = REPEAT.matcher(text);
        StringBuilder repeated = new StringBuilder();
        while (repeat.find()) {
            repeat.appendReplacement(repeated, Matcher.quoteReplacement(repeat.group(2).repeat(Integer.parseInt(repeat.group(1)))));
        }
        repeat.appendTail(repeated);
        Matcher name = NAME.matcher(repeated);
        StringBuilder filled = new StringBuilder(repeated.length());
        while (name.find()) {
            String value = values.get(name.group(1));
            if (value == null) {
                throw new IllegalArgumentException("hostile/" + path + " uses {{" + name.group(1) + "}}, which has no value");
            }
            name.appendReplacement(filled, Matcher.quoteReplacement(value));
        }
        name.appendTail(filled);
        return filled.toString().getBytes(StandardCharsets.UTF_8);
    }
}
