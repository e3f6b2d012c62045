package fr.liaison.schemas;

import fr.liaison.schemas.error.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.XMLFilterImpl;

/**
 * Sits first in the SAX chain: knows the current element path (for error locations), counts depth
 * and refuses an unknown root before anything else looks at the document. Single use, one thread.
 */
final class PathTracker extends XMLFilterImpl {

    /** Stops the parse with one violation; the chain's other errors are then irrelevant. */
    static final class Stop extends SAXException {
        private static final long serialVersionUID = 1L;
        final transient Violation violation;

        Stop(Violation violation) {
            super(violation.message());
            this.violation = violation;
        }
    }

    private record Frame(String name, int index, Map<String, Integer> childCounts) {
    }

    private final ModelV1 model;
    private final int maxDepth;
    private final List<Frame> stack = new ArrayList<>();
    private final Map<String, Integer> rootCounts = new HashMap<>();
    private Locator locator;

    PathTracker(ModelV1 model, int maxDepth) {
        this.model = model;
        this.maxDepth = maxDepth;
    }

    @Override
    public void setDocumentLocator(Locator locator) {
        this.locator = locator;
        super.setDocumentLocator(locator);
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
        if (stack.isEmpty() && MessageKinds.typeOfRoot(uri, localName) == null) {
            String pos = position();
            throw new Stop(new Violation(ErrorCode.SCHEMA_UNKNOWN_TYPE, (pos.isEmpty() ? "" : pos + " ") + "/" + localName,
                    "root element {" + uri + "}" + localName + " is not a message of namespace " + MessageKinds.NAMESPACE_V1));
        }
        if (stack.size() >= maxDepth) {
            throw new Stop(new Violation(ErrorCode.XML_TOO_DEEP, xmlLocation(),
                    "elements nest deeper than " + maxDepth + " levels"));
        }
        Map<String, Integer> counts = stack.isEmpty() ? rootCounts : stack.get(stack.size() - 1).childCounts();
        int index = counts.merge(localName, 1, Integer::sum);
        stack.add(new Frame(localName, index, new HashMap<>()));
        super.startElement(uri, localName, qName, atts);
    }

    @Override
    public void endElement(String uri, String localName, String qName) throws SAXException {
        // Pop after the validator has seen the end: its complaints about this element name it.
        super.endElement(uri, localName, qName);
        stack.remove(stack.size() - 1);
    }

    /** {@code line:column /Root/a/b[2]/c} (list items carry their 1-based position). */
    String xmlLocation() {
        String path = xmlPath();
        String pos = position();
        return pos.isEmpty() ? path : pos + " " + path;
    }

    String xmlPath() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < stack.size(); i++) {
            Frame f = stack.get(i);
            sb.append('/').append(f.name());
            if (i > 0 && (f.index() > 1 || model.isListItem(stack.get(i - 1).name(), f.name()))) {
                sb.append('[').append(f.index()).append(']');
            }
        }
        return sb.isEmpty() ? "/" : sb.toString();
    }

    /** The same place as a JSON pointer into the JSON form: no root, list items as 0-based indexes. */
    String jsonPointer() {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < stack.size(); i++) {
            Frame f = stack.get(i);
            if (model.isListItem(stack.get(i - 1).name(), f.name())) {
                sb.append('/').append(f.index() - 1);
            } else {
                sb.append('/').append(f.name());
            }
        }
        return sb.toString();
    }

    private String position() {
        if (locator == null || locator.getLineNumber() < 0) {
            return "";
        }
        return locator.getLineNumber() + ":" + locator.getColumnNumber();
    }
}
