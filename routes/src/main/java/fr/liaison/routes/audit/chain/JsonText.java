package fr.liaison.routes.audit.chain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.Collection;

/**
 * The one JSON writer of this package: compact, members in the order written, strings escaped as
 * RFC 8785 does (quotation mark and backslash escaped with a backslash, short escapes for
 * backspace, form feed, newline, carriage return and tab, other control characters as a backslash,
 * {@code u00} and two lowercase hex digits, everything else literal), UTF-8, numbers as plain
 * integers. It does not depend on a JSON library's defaults, so the hashed bytes are fixed by this
 * class alone. Not thread-safe; one per document.
 */
final class JsonText {

    /** ISO-8601 UTC with exactly six fractional digits: the precision H2 and PostgreSQL keep. */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC).withResolverStyle(ResolverStyle.STRICT);

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out = new StringBuilder(512);
    private boolean first = true;

    JsonText() {
        out.append('{');
    }

    static String time(Instant at) {
        return TIME.format(at.truncatedTo(ChronoUnit.MICROS));
    }

    JsonText string(String name, String value) {
        name(name);
        if (value == null) {
            out.append("null");
        } else {
            quote(value);
        }
        return this;
    }

    JsonText number(String name, long value) {
        name(name);
        out.append(value);
        return this;
    }

    JsonText strings(String name, Collection<String> values) {
        name(name);
        if (values == null) {
            out.append("null");
            return this;
        }
        out.append('[');
        boolean firstValue = true;
        for (String value : values) {
            if (!firstValue) {
                out.append(',');
            }
            firstValue = false;
            if (value == null) {
                throw new IllegalArgumentException(name + " holds a null");
            }
            quote(value);
        }
        out.append(']');
        return this;
    }

    String text() {
        return out + "}";
    }

    byte[] utf8() {
        return text().getBytes(StandardCharsets.UTF_8);
    }

    private void name(String name) {
        if (!first) {
            out.append(',');
        }
        first = false;
        quote(name);
        out.append(':');
    }

    private void quote(String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        out.append(c).append(value.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        // UTF-8 cannot encode it: two different strings would give the same bytes.
                        throw new IllegalArgumentException("unpaired surrogate in a string");
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
