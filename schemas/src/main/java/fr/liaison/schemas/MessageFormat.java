package fr.liaison.schemas;

/** The two wire forms of a message: both map onto the same model and pass the same checks. */
public enum MessageFormat {
    XML,
    JSON;

    /**
     * Guesses the form from the first non-whitespace byte ({@code <} or <code>{</code>), skipping a
     * UTF-8 byte order mark.
     *
     * @throws IllegalArgumentException if the content starts with anything else or is empty
     */
    public static MessageFormat detect(byte[] bytes) {
        if (utf16Xml(bytes)) {
            return XML; // XML 1.0 4.3.3: a processor reads UTF-16 too; JSON exchanged between systems is UTF-8 (RFC 8259 8.1)
        }
        int i = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            i = 3;
        }
        for (; i < bytes.length; i++) {
            switch (bytes[i]) {
                case ' ', '\t', '\r', '\n' -> { }
                case '<' -> { return XML; }
                case '{' -> { return JSON; }
                default -> throw new IllegalArgumentException("Neither XML nor JSON: content starts with an unexpected character");
            }
        }
        throw new IllegalArgumentException("Empty content");
    }

    /** A UTF-16 byte order mark, or a first '<' in UTF-16 without one (XML 1.0 appendix F). */
    private static boolean utf16Xml(byte[] bytes) {
        if (bytes.length < 2) {
            return false;
        }
        int first = bytes[0] & 0xFF;
        int second = bytes[1] & 0xFF;
        return first == 0xFE && second == 0xFF || first == 0xFF && second == 0xFE
                || first == '<' && second == 0 || first == 0 && second == '<';
    }
}
