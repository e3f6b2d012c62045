package fr.liaison.gateway.api;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * An XML body in the character encoding its media type declares (RFC 7303 section 3): a byte
 * order mark decides first, then the {@code charset} parameter, then the document's own encoding
 * declaration. The XML parser knows only the first and the last, so a body whose {@code charset}
 * parameter names another encoding than the document would be read with is re-encoded in UTF-8,
 * its encoding declaration made to say so.
 */
public final class XmlCharset {

    /** The encoding declaration in the XML declaration, which is at the very start of a document. */
    private static final Pattern DECLARED = Pattern.compile("^<\\?xml\\s[^>]*?encoding\\s*=\\s*([\"'])([A-Za-z][A-Za-z0-9._-]*)\\1");
    private static final int PROLOG = 256;

    private XmlCharset() {
    }

    /**
     * The body as the parser must read it: unchanged unless its media type is XML with a
     * {@code charset} parameter the parser would not otherwise apply.
     *
     * @throws LiaisonException {@code GW-API-004} if the charset is unknown, {@code GW-XML-001} if the
     *     body is not text in it
     */
    static byte[] asParsed(byte[] body, String contentType) {
        Charset charset = xmlCharset(contentType);
        if (charset == null || hasByteOrderMark(body)) {
            return body;
        }
        if (charset.equals(StandardCharsets.UTF_8) && !declaresOtherThanUtf8(body)) {
            return body; // what the parser reads anyway
        }
        String text;
        try {
            text = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new LiaisonException(ErrorCode.XML_MALFORMED, "the body is not text in the charset " + charset.name() + " its Content-Type declares");
        }
        Matcher declared = DECLARED.matcher(CharBuffer.wrap(text, 0, Math.min(text.length(), PROLOG)));
        if (declared.find()) {
            text = text.substring(0, declared.start(2)) + "UTF-8" + text.substring(declared.end(2));
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** How far a document's XML declaration may reach: it holds three short pseudo-attributes and spaces. */
    public static final int DECLARATION_BYTES = 1024;
    private static final Pattern DECLARATION = Pattern.compile("^<\\?xml\\s[^>]*?\\?>");

    /** The encoding a byte order mark at the start of {@code prolog} gives; null without one. */
    public static String byteOrderMark(byte[] prolog, int length) {
        int b0 = length > 0 ? prolog[0] & 0xFF : -1;
        int b1 = length > 1 ? prolog[1] & 0xFF : -1;
        int b2 = length > 2 ? prolog[2] & 0xFF : -1;
        if (b0 == 0xFE && b1 == 0xFF || b0 == 0xFF && b1 == 0xFE) {
            return StandardCharsets.UTF_16.name(); // the decoder reads the mark and the byte order from it
        }
        return b0 == 0xEF && b1 == 0xBB && b2 == 0xBF ? StandardCharsets.UTF_8.name() : null;
    }

    /**
     * The encoding of a document that comes with no {@code charset} parameter, as an XML parser
     * would find it (XML 1.0 appendix F): a byte order mark, UTF-16 without one, else the encoding
     * declaration, else UTF-8. Null when the document starts an XML declaration that does not end
     * within {@link #DECLARATION_BYTES}, or names its encoding in a way that cannot be read: the
     * parser is then not to guess.
     *
     * @param prolog the document's first bytes, {@link #DECLARATION_BYTES} of them if it has that many
     */
    public static String withoutCharsetParameter(byte[] prolog, int length) {
        String marked = byteOrderMark(prolog, length);
        if (marked != null) {
            return marked;
        }
        int b0 = length > 0 ? prolog[0] & 0xFF : -1;
        int b1 = length > 1 ? prolog[1] & 0xFF : -1;
        if (b0 == 0x00 && b1 == 0x3C) {
            return StandardCharsets.UTF_16BE.name();
        }
        if (b0 == 0x3C && b1 == 0x00) {
            return StandardCharsets.UTF_16LE.name();
        }
        String start = new String(prolog, 0, Math.min(length, DECLARATION_BYTES), StandardCharsets.ISO_8859_1);
        if (!start.startsWith("<?xml")) {
            return StandardCharsets.UTF_8.name();
        }
        Matcher declaration = DECLARATION.matcher(start);
        if (!declaration.find()) {
            return null;
        }
        String text = declaration.group();
        Matcher declared = DECLARED.matcher(text);
        if (declared.find()) {
            return declared.group(2);
        }
        return text.contains("encoding") ? null : StandardCharsets.UTF_8.name();
    }

    /** The charset an XML media type declares; null for any other type or none. */
    private static Charset xmlCharset(String contentType) {
        if (contentType == null) {
            return null;
        }
        MediaType type;
        try {
            type = MediaType.parseMediaType(contentType);
        } catch (InvalidMediaTypeException e) { // Spring checks the charset as it parses: an unknown one ends here
            throw new LiaisonException(ErrorCode.API_UNSUPPORTED_MEDIA_TYPE, "the Content-Type cannot be read: " + printable(contentType));
        }
        return type.getSubtype().equals("xml") || type.getSubtype().endsWith("+xml") ? type.getCharset() : null;
    }

    private static boolean hasByteOrderMark(byte[] body) {
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            return true;
        }
        return body.length >= 2 && ((body[0] & 0xFF) == 0xFE && (body[1] & 0xFF) == 0xFF || (body[0] & 0xFF) == 0xFF && (body[1] & 0xFF) == 0xFE);
    }

    /** An ASCII-compatible document whose encoding declaration names something other than UTF-8. */
    private static boolean declaresOtherThanUtf8(byte[] body) {
        Matcher declared = DECLARED.matcher(new String(body, 0, Math.min(body.length, PROLOG), StandardCharsets.ISO_8859_1));
        return declared.find() && !declared.group(2).toUpperCase(Locale.ROOT).replace("_", "-").matches("UTF-?8");
    }

    private static String printable(String name) {
        String cut = name.length() > 40 ? name.substring(0, 40) + "..." : name;
        return cut.replaceAll("[^\\x21-\\x7E]", "?");
    }
}
