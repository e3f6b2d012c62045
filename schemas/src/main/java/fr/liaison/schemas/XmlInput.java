package fr.liaison.schemas;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.v1.LiaisonMessage;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.bind.UnmarshallerHandler;
import jakarta.xml.bind.ValidationEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.validation.ValidatorHandler;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXNotRecognizedException;
import org.xml.sax.SAXNotSupportedException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

/**
 * The XML form, parsed once through a hardened SAX parser into the XSD validator and on into JAXB:
 * {@code XMLReader -> PathTracker -> ValidatorHandler -> UnmarshallerHandler}. No DTD of any kind,
 * no external access, no XInclude; size, depth and JDK parser limits are enforced.
 */
final class XmlInput {

    /** Result: the object when there are no violations. */
    record Outcome(LiaisonMessage message, List<Violation> violations) {
    }

    private static final String DISALLOW_DOCTYPE = "http://apache.org/xml/features/disallow-doctype-decl";
    private static final String EXTERNAL_GENERAL = "http://xml.org/sax/features/external-general-entities";
    private static final String EXTERNAL_PARAMETER = "http://xml.org/sax/features/external-parameter-entities";
    private static final String LOAD_EXTERNAL_DTD = "http://apache.org/xml/features/nonvalidating/load-external-dtd";
    private static final String XERCES_LOCALE = "http://apache.org/xml/properties/locale";
    /** The JDK prefixes the messages of its processing limits with JAXP0001xxxx in every language. */
    private static final String JDK_LIMIT_MARK = "JAXP0001";

    private final ModelV1 model;
    private final MessageCodec.Limits limits;

    XmlInput(ModelV1 model, MessageCodec.Limits limits) {
        this.model = model;
        this.limits = limits;
    }

    Outcome read(byte[] bytes) {
        if (bytes.length > limits.maxBytes()) {
            return fatal(ErrorCode.XML_TOO_LARGE, "", "document of " + bytes.length + " bytes exceeds " + limits.maxBytes());
        }
        if (Prolog.hasDoctype(bytes)) {
            return fatal(ErrorCode.XML_DOCTYPE_FORBIDDEN, "", "a document type declaration is not accepted");
        }
        PathTracker tracker = new PathTracker(model, limits.maxDepth());
        SchemaErrors schemaErrors = new SchemaErrors(tracker::xmlLocation);
        List<Violation> unreadableValues = new ArrayList<>(1);
        UnmarshallerHandler unmarshallerHandler;
        XMLReader reader;
        try {
            ValidatorHandler validator = model.schema.newValidatorHandler();
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            trySetProperty(validator, XERCES_LOCALE, Locale.ENGLISH);
            validator.setErrorHandler(schemaErrors);
            Unmarshaller unmarshaller = model.context.createUnmarshaller();
            // The XSD judges validity; JAXB only builds the object and must not stop on its own.
            // A value the XSD accepts but the model cannot hold (xs:dateTime allows 24:00:00,
            // java.time does not) would leave its field empty in a message taken as valid: noted
            // here, at the element, and refused below if the XSD found nothing else.
            unmarshaller.setEventHandler(event -> {
                if (event.getSeverity() != ValidationEvent.WARNING && unreadableValues.isEmpty()) {
                    unreadableValues.add(new Violation(ErrorCode.SCHEMA_INVALID, tracker.xmlLocation(),
                            "the value cannot be read as its schema type"));
                }
                return true;
            });
            unmarshallerHandler = unmarshaller.getUnmarshallerHandler();
            validator.setContentHandler(unmarshallerHandler);
            tracker.setContentHandler(validator);
            reader = newReader();
            reader.setContentHandler(tracker);
            reader.setErrorHandler(new FatalOnError());
        } catch (SAXException | ParserConfigurationException | JAXBException e) {
            throw new IllegalStateException("Hardened XML parser cannot be configured", e);
        }

        try {
            reader.parse(new InputSource(new ByteArrayInputStream(bytes)));
        } catch (PathTracker.Stop stop) {
            return new Outcome(null, List.of(stop.violation));
        } catch (SAXParseException e) {
            return fatal(classify(e), position(e), parserMessage(e));
        } catch (SAXException e) {
            return fatal(ErrorCode.XML_MALFORMED, "", "the document cannot be parsed");
        } catch (IOException e) {
            return fatal(ErrorCode.XML_MALFORMED, "", "the document cannot be read");
        } catch (IllegalArgumentException e) {
            // JAXB's reading of a QName value (xsi:type) whose prefix is declared nowhere: the document's fault.
            if (e.getMessage() == null || !e.getMessage().contains("is not bound")) {
                throw e;
            }
            return fatal(ErrorCode.SCHEMA_INVALID, tracker.xmlLocation(), "a value here uses a namespace prefix that is not declared");
        }
        if (!schemaErrors.violations().isEmpty()) {
            return new Outcome(null, List.copyOf(schemaErrors.violations()));
        }
        if (!unreadableValues.isEmpty()) {
            return new Outcome(null, List.copyOf(unreadableValues));
        }
        try {
            return new Outcome((LiaisonMessage) unmarshallerHandler.getResult(), List.of());
        } catch (JAXBException | IllegalStateException | ClassCastException e) {
            return fatal(ErrorCode.SCHEMA_INVALID, "", "the document does not map onto a message");
        }
    }

    /**
     * The hardened factory, configured once per thread: the JDK's factory builds and discards a whole
     * parser at each {@code setFeature} to check the feature, which made configuring it cost most of
     * reading a small message. A factory is not thread-safe, hence one per thread; each document still
     * gets a parser of its own.
     */
    private static final ThreadLocal<SAXParserFactory> FACTORIES = ThreadLocal.withInitial(() -> {
        try {
            return newFactory();
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("Hardened XML parser cannot be configured", e);
        }
    });

    private static SAXParserFactory newFactory() throws ParserConfigurationException, SAXException {
        // The JDK's own parser: its features and jdk.xml limits are known; a classpath one may differ.
        SAXParserFactory factory = SAXParserFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        factory.setValidating(false);
        factory.setXIncludeAware(false);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature(DISALLOW_DOCTYPE, true);
        factory.setFeature(EXTERNAL_GENERAL, false);
        factory.setFeature(EXTERNAL_PARAMETER, false);
        factory.setFeature(LOAD_EXTERNAL_DTD, false);
        return factory;
    }

    private XMLReader newReader() throws ParserConfigurationException, SAXException {
        SAXParser parser = FACTORIES.get().newSAXParser();
        parser.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        parser.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        // Entities cannot occur (no DOCTYPE) but the limits stay low in case that ever changes.
        // A value of 0 would mean "no limit" to the JDK, hence small positive numbers.
        parser.setProperty("jdk.xml.entityExpansionLimit", 64);
        parser.setProperty("jdk.xml.maxGeneralEntitySizeLimit", 4096);
        parser.setProperty("jdk.xml.maxParameterEntitySizeLimit", 4096);
        parser.setProperty("jdk.xml.totalEntitySizeLimit", 16384);
        parser.setProperty("jdk.xml.entityReplacementLimit", 16384);
        parser.setProperty("jdk.xml.elementAttributeLimit", 32);
        parser.setProperty("jdk.xml.maxXMLNameLimit", 256);
        // Backstop only: PathTracker refuses at limits.maxDepth() with its own code and location.
        parser.setProperty("jdk.xml.maxElementDepth", limits.maxDepth() + 8);
        XMLReader reader = parser.getXMLReader();
        trySetProperty(reader, XERCES_LOCALE, Locale.ENGLISH);
        return reader;
    }

    private static ErrorCode classify(SAXParseException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains(JDK_LIMIT_MARK)) {
            return ErrorCode.XML_LIMIT_EXCEEDED;
        }
        if (message.contains("DOCTYPE")) {
            return ErrorCode.XML_DOCTYPE_FORBIDDEN;
        }
        return ErrorCode.XML_MALFORMED;
    }

    /** Parser messages name markup, not values, except for limits where they name the element. */
    private static String parserMessage(SAXParseException e) {
        String message = e.getMessage() == null ? "not well-formed" : e.getMessage();
        return message.replaceAll("\\s+", " ").strip();
    }

    private static String position(SAXParseException e) {
        return e.getLineNumber() < 0 ? "" : e.getLineNumber() + ":" + e.getColumnNumber();
    }

    private static Outcome fatal(ErrorCode code, String location, String message) {
        return new Outcome(null, List.of(new Violation(code, location, message)));
    }

    private static void trySetProperty(XMLReader reader, String name, Object value) {
        try {
            reader.setProperty(name, value);
        } catch (SAXNotRecognizedException | SAXNotSupportedException e) {
            // Optional nicety (English messages); the parser works without it.
        }
    }

    private static void trySetProperty(ValidatorHandler validator, String name, Object value) {
        try {
            validator.setProperty(name, value);
        } catch (SAXNotRecognizedException | SAXNotSupportedException e) {
            // Optional nicety (English messages); validation works without it.
        }
    }

    /** Any error of the parser itself (not the validator) ends the parse. */
    private static final class FatalOnError implements ErrorHandler {
        @Override
        public void warning(SAXParseException e) {
            // Nothing: warnings do not make a document unreadable.
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    }

    /** Cheap look at the prolog so a DOCTYPE is reported as such whatever the parser's wording. */
    static final class Prolog {
        private Prolog() {
        }

        static boolean hasDoctype(byte[] b) {
            int i = 0;
            if (b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
                i = 3;
            }
            while (i < b.length) {
                byte c = b[i];
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                    i++;
                } else if (startsWith(b, i, "<?")) {
                    i = indexOf(b, i + 2, "?>");
                } else if (startsWith(b, i, "<!--")) {
                    i = indexOf(b, i + 4, "-->");
                } else {
                    return startsWith(b, i, "<!DOCTYPE");
                }
                if (i < 0) {
                    return false;
                }
            }
            return false;
        }

        private static boolean startsWith(byte[] b, int at, String s) {
            if (at + s.length() > b.length) {
                return false;
            }
            for (int k = 0; k < s.length(); k++) {
                if (b[at + k] != s.charAt(k)) {
                    return false;
                }
            }
            return true;
        }

        private static int indexOf(byte[] b, int from, String s) {
            for (int i = from; i + s.length() <= b.length; i++) {
                if (startsWith(b, i, s)) {
                    return i + s.length();
                }
            }
            return -1;
        }
    }
}
