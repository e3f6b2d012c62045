package fr.liaison.schemas;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;
import fr.liaison.schemas.v1.LiaisonMessage;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import javax.xml.XMLConstants;
import javax.xml.validation.ValidatorHandler;
import org.xml.sax.SAXException;

/**
 * Reads, validates and writes Liaison messages of schema version 1 in XML and JSON. Both forms go
 * through the same XSD and the same message rules. Thread-safe: build once (the XSD and JAXB
 * context are compiled once per process) and share.
 */
public final class MessageCodec {

    /**
     * Input limits. {@code maxBytes} bounds the document, {@code maxDepth} the nesting of XML
     * elements or JSON objects and arrays.
     */
    public record Limits(int maxBytes, int maxDepth) {

        public static final int DEFAULT_MAX_BYTES = 1024 * 1024;
        public static final int DEFAULT_MAX_DEPTH = 32;

        public Limits {
            if (maxBytes <= 0 || maxDepth <= 0) {
                throw new IllegalArgumentException("Limits must be positive");
            }
        }

        /** 1 MiB and 32 levels. */
        public static Limits defaults() {
            return new Limits(DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH);
        }
    }

    private static final class DefaultV1 {
        static final MessageCodec INSTANCE = new MessageCodec(Limits.defaults());
    }

    private final ModelV1 model;
    private final Limits limits;
    private final XmlInput xml;
    private final JsonForm json;

    /** A codec for version 1 with the given limits. */
    public MessageCodec(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.model = ModelV1.get();
        this.xml = new XmlInput(model, limits);
        this.json = new JsonForm(limits);
    }

    /** The shared codec for version 1 with default limits. */
    public static MessageCodec v1() {
        return DefaultV1.INSTANCE;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Whether the v1 schema declares an element of this local name: a location naming any other
     * element quotes the input, and is not for logs.
     */
    public static boolean declaresElement(String localName) {
        return ModelV1.get().declaresElement(localName);
    }

    /**
     * Reads and fully validates a message.
     *
     * @throws LiaisonException with the code of the violations (parsing, XSD or rule codes) and
     *     every violation as a detail, {@code "location: message"}
     */
    public ValidatedMessage read(byte[] bytes, MessageFormat format) {
        Checked checked = check(bytes, format);
        if (!checked.violations().isEmpty()) {
            List<Violation> v = checked.violations();
            throw new LiaisonException(v.get(0).code(), v.stream().map(Violation::toString).toList(), null);
        }
        return new ValidatedMessage(checked.message(), format, checked.canonicalXml());
    }

    /** Every violation of the message, empty if it is valid; never throws for bad input. */
    public List<Violation> validate(byte[] bytes, MessageFormat format) {
        return check(bytes, format).violations();
    }

    /**
     * Writes a message as XML (UTF-8, indented). The message is not validated: read the result
     * back to check it.
     *
     * @throws IllegalArgumentException if the object is not a root message of the v1 model
     */
    public byte[] toXml(Object message) {
        return marshal(asMessage(message));
    }

    /** Writes a message as JSON (UTF-8, indented), the same content as {@link #toXml(Object)}. */
    public byte[] toJson(Object message) {
        return json.write(asMessage(message));
    }

    private record Checked(LiaisonMessage message, List<Violation> violations, byte[] canonicalXml) {
    }

    private Checked check(byte[] bytes, MessageFormat format) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(format, "format");
        LiaisonMessage message;
        if (format == MessageFormat.XML) {
            XmlInput.Outcome outcome = xml.read(bytes);
            if (!outcome.violations().isEmpty()) {
                return new Checked(null, outcome.violations(), null);
            }
            message = outcome.message();
        } else {
            JsonForm.Outcome outcome = json.read(bytes);
            if (!outcome.violations().isEmpty()) {
                return new Checked(null, outcome.violations(), null);
            }
            message = outcome.message();
            // JSON has no XSD of its own: the bound object goes through the XSD as XML.
            List<Violation> schemaViolations = validateObject(message);
            if (!schemaViolations.isEmpty()) {
                return new Checked(null, schemaViolations, null);
            }
        }
        List<Violation> ruleViolations = MessageRules.check(message, format);
        if (!ruleViolations.isEmpty()) {
            return new Checked(null, ruleViolations, null);
        }
        return new Checked(message, List.of(), marshal(message));
    }

    /** Marshals the object into the XSD validator; locations are JSON pointers. */
    private List<Violation> validateObject(LiaisonMessage message) {
        PathTracker tracker = new PathTracker(model, limits.maxDepth());
        SchemaErrors errors = new SchemaErrors(tracker::jsonPointer);
        try {
            ValidatorHandler validator = model.schema.newValidatorHandler();
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            validator.setErrorHandler(errors);
            tracker.setContentHandler(validator);
            model.context.createMarshaller().marshal(message, tracker);
        } catch (SAXException e) {
            throw new IllegalStateException("XSD validator cannot be configured", e);
        } catch (JAXBException e) {
            if (e.getCause() instanceof PathTracker.Stop stop) {
                return List.of(stop.violation);
            }
            if (errors.violations().isEmpty()) {
                return List.of(new Violation(ErrorCode.SCHEMA_INVALID, "", "the message cannot be written as XML"));
            }
        }
        return List.copyOf(errors.violations());
    }

    private byte[] marshal(LiaisonMessage message) {
        try {
            Marshaller marshaller = model.context.createMarshaller();
            marshaller.setProperty(Marshaller.JAXB_ENCODING, StandardCharsets.UTF_8.name());
            marshaller.setProperty(Marshaller.JAXB_FORMATTED_OUTPUT, Boolean.TRUE);
            ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
            marshaller.marshal(message, out);
            return out.toByteArray();
        } catch (JAXBException e) {
            throw new LiaisonException(ErrorCode.SCHEMA_INVALID, "the message cannot be written as XML", e);
        }
    }

    private static LiaisonMessage asMessage(Object message) {
        Objects.requireNonNull(message, "message");
        if (!(message instanceof LiaisonMessage m) || MessageKinds.typeOf(message.getClass()) == null) {
            throw new IllegalArgumentException("Not a message of the v1 model: " + message.getClass().getName());
        }
        return m;
    }
}
