package fr.liaison.schemas;

import fr.liaison.schemas.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

/**
 * Collects the validator's complaints as violations. Xerces quotes offending values in its messages;
 * they are cut out here because violations end up in logs, receipts and audit entries.
 */
final class SchemaErrors implements ErrorHandler {

    /** Enough to fix a message; more would only let a hostile document inflate the answer. */
    static final int MAX_VIOLATIONS = 50;
    private static final int MAX_MESSAGE = 300;

    private static final Pattern NAMESPACE = Pattern.compile("\"" + Pattern.quote(MessageKinds.NAMESPACE_V1) + "\":");
    private static final Pattern FACET_VALUE = Pattern.compile("(?s)Value '.*' (is not facet-valid|with length)");
    private static final Pattern DATATYPE_VALUE = Pattern.compile("(?s)^(cvc-datatype-valid[.0-9]*: )'.*' (is not a valid value)");
    private static final Pattern ELEMENT_VALUE = Pattern.compile("(?s)The value '.*' of element");

    private final Supplier<String> location;
    private final List<Violation> violations = new ArrayList<>();

    SchemaErrors(Supplier<String> location) {
        this.location = location;
    }

    List<Violation> violations() {
        return violations;
    }

    @Override
    public void warning(SAXParseException e) {
        // Warnings do not make a message invalid.
    }

    @Override
    public void error(SAXParseException e) {
        add(e);
    }

    @Override
    public void fatalError(SAXParseException e) {
        add(e);
    }

    private void add(SAXParseException e) {
        if (violations.size() < MAX_VIOLATIONS) {
            violations.add(new Violation(ErrorCode.SCHEMA_INVALID, location.get(), redact(e.getMessage())));
        } else if (violations.size() == MAX_VIOLATIONS) {
            violations.add(new Violation(ErrorCode.SCHEMA_INVALID, "", "more violations not reported"));
        }
    }

    static String redact(String message) {
        if (message == null) {
            return "invalid content";
        }
        String m = NAMESPACE.matcher(message).replaceAll("");
        m = FACET_VALUE.matcher(m).replaceFirst("Value $1");
        m = DATATYPE_VALUE.matcher(m).replaceFirst("$1Value $2");
        m = ELEMENT_VALUE.matcher(m).replaceFirst("The value of element");
        m = m.replaceAll("\\s+", " ").strip();
        // Long enumerations (69 thématiques) would drown the message.
        return m.length() <= MAX_MESSAGE ? m : m.substring(0, MAX_MESSAGE) + "...";
    }
}
