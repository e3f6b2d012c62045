package fr.liaison.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.MessageType;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.AnnotatedClass;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.module.jakarta.xmlbind.JakartaXmlBindAnnotationIntrospector;
import tools.jackson.module.jakarta.xmlbind.JakartaXmlBindAnnotationModule;

/**
 * The JSON form: the JAXB classes read and written by Jackson with the JAXB annotations, so names
 * follow the XSD ({@code "barriers": [...]} for {@code <barriers><barrier>}). Strict: unknown
 * properties, scalar coercions and numbers for enums are errors.
 */
final class JsonForm {

    record Outcome(LiaisonMessage message, List<Violation> violations) {
    }

    /**
     * JAXB names and order, with the header first in JSON as in XML: the propOrder of a message
     * class omits the inherited header, which Jackson would otherwise put last.
     */
    private static final class HeaderFirst extends JakartaXmlBindAnnotationIntrospector {
        private static final long serialVersionUID = 1L;

        @Override
        public String[] findSerializationPropertyOrder(MapperConfig<?> config, AnnotatedClass ac) {
            String[] order = super.findSerializationPropertyOrder(config, ac);
            if (order == null || !LiaisonMessage.class.isAssignableFrom(ac.getRawType()) || ac.getRawType() == LiaisonMessage.class) {
                return order;
            }
            String[] withHeader = new String[order.length + 1];
            withHeader[0] = "header";
            System.arraycopy(order, 0, withHeader, 1, order.length);
            return withHeader;
        }
    }

    private final JsonMapper mapper;
    private final MessageCodec.Limits limits;

    JsonForm(MessageCodec.Limits limits) {
        this.limits = limits;
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxDepth())
                .maxDocumentLength(limits.maxBytes())
                .maxStringLength(limits.maxBytes())
                .maxNumberLength(32)
                .build();
        JsonFactory factory = JsonFactory.builder().streamReadConstraints(constraints).build();
        this.mapper = JsonMapper.builder(factory)
                .addModule(new JakartaXmlBindAnnotationModule(new HeaderFirst()))
                // <barriers><barrier/></barriers> is "barriers": [...], not "barrier".
                .enable(MapperFeature.USE_WRAPPER_NAME_AS_PROPERTY_NAME)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .withCoercionConfig(LogicalType.Textual, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Enum, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
                .changeDefaultPropertyInclusion(v -> JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
                // A null item of a list has no XML form: the XSD check would never see it and the
                // message rules would meet it as a null element.
                .changeDefaultNullHandling(v -> JsonSetter.Value.forContentNulls(Nulls.FAIL))
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build();
    }

    byte[] write(LiaisonMessage message) {
        return mapper.writeValueAsBytes(message);
    }

    Outcome read(byte[] bytes) {
        if (bytes.length > limits.maxBytes()) {
            return fatal(ErrorCode.JSON_TOO_LARGE, "", "document of " + bytes.length + " bytes exceeds " + limits.maxBytes());
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(bytes);
        } catch (StreamConstraintsException e) {
            boolean depth = String.valueOf(e.getMessage()).contains("depth");
            return fatal(depth ? ErrorCode.JSON_TOO_DEEP : ErrorCode.JSON_TOO_LARGE, position(e.getLocation()),
                    depth ? "nesting deeper than " + limits.maxDepth() + " levels" : "a value exceeds the accepted length");
        } catch (StreamReadException e) {
            return fatal(ErrorCode.JSON_MALFORMED, position(e.getLocation()), "not well-formed JSON");
        } catch (JacksonException e) {
            return fatal(ErrorCode.JSON_MALFORMED, pointer(e), "not well-formed JSON (duplicate key or trailing content)");
        }
        if (tree == null || !tree.isObject()) {
            return fatal(ErrorCode.JSON_MAPPING, "", "the document must be a JSON object");
        }
        String notXml = firstTextWithoutXmlForm(tree, "");
        if (notXml != null) {
            return fatal(ErrorCode.SCHEMA_INVALID, notXml, "a character that XML cannot carry (control character or lone surrogate)");
        }
        Class<? extends LiaisonMessage> type = typeOf(tree);
        if (type == null) {
            return fatal(ErrorCode.SCHEMA_UNKNOWN_TYPE, "/header/messageType",
                    "header.messageType is missing or not a message type of version 1");
        }
        try {
            return new Outcome(mapper.treeToValue(tree, type), List.of());
        } catch (JacksonException e) {
            return fatal(ErrorCode.JSON_MAPPING, pointer(e), describe(e));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            return fatal(ErrorCode.JSON_MAPPING, "", "a value has the wrong format");
        }
    }

    /**
     * The pointer of the first member name or string holding a character outside XML 1.0's
     * {@code Char} production: the XSD's strings exclude them, and the message must have an XML form.
     */
    private static String firstTextWithoutXmlForm(JsonNode node, String pointer) {
        if (node.isString()) {
            return isXmlText(node.stringValue()) ? null : pointer;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = firstTextWithoutXmlForm(node.get(i), pointer + "/" + i);
                if (found != null) {
                    return found;
                }
            }
        }
        if (node.isObject()) {
            for (var member : node.properties()) {
                String here = pointer + "/" + member.getKey().replace("~", "~0").replace("/", "~1");
                if (!isXmlText(member.getKey())) {
                    return here;
                }
                String found = firstTextWithoutXmlForm(member.getValue(), here);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    static boolean isXmlText(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
                return false;
            }
        }
        return true;
    }

    private static Class<? extends LiaisonMessage> typeOf(JsonNode tree) {
        JsonNode header = tree.get("header");
        JsonNode type = header == null ? null : header.get("messageType");
        if (type == null || !type.isString()) {
            return null;
        }
        for (MessageType t : MessageType.values()) {
            if (t.value().equals(type.stringValue())) {
                return MessageKinds.classOf(t);
            }
        }
        return null;
    }

    /** Jackson's messages quote the offending value; these say what is wrong without it. */
    private static String describe(JacksonException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown property '" + u.getPropertyName() + "'";
        }
        if (e instanceof InvalidNullException) {
            return "null is not accepted as an item of a list";
        }
        if (e instanceof InvalidFormatException f) {
            return "value has the wrong format for " + simpleName(f.getTargetType());
        }
        if (e instanceof MismatchedInputException m) {
            return "value has the wrong JSON type, expected " + simpleName(m.getTargetType());
        }
        if (e instanceof DatabindException) {
            return "value does not map onto the schema" + (e.getCause() != null ? " (wrong format)" : "");
        }
        return "the document does not map onto a message";
    }

    private static String simpleName(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == String.class || type.isEnum()) {
            return type.isEnum() ? "one of the codes of " + type.getSimpleName() : "a string";
        }
        return type.getSimpleName();
    }

    /** RFC 6901 pointer from Jackson's path. */
    static String pointer(JacksonException e) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            sb.append('/');
            if (ref.getPropertyName() != null) {
                sb.append(ref.getPropertyName().replace("~", "~0").replace("/", "~1"));
            } else if (ref.getIndex() >= 0) {
                sb.append(ref.getIndex());
            }
        }
        return sb.toString();
    }

    private static String position(TokenStreamLocation location) {
        return location == null || location.getLineNr() < 0 ? "" : location.getLineNr() + ":" + location.getColumnNr();
    }

    private static Outcome fatal(ErrorCode code, String location, String message) {
        return new Outcome(null, List.of(new Violation(code, location, message)));
    }
}
