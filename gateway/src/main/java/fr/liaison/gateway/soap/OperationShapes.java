package fr.liaison.gateway.soap;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.dom.DOMSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.w3c.dom.ls.DOMImplementationLS;
import org.w3c.dom.ls.LSInput;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The operation elements of the WSDL's schema, to check a request's parameters against before
 * JAXB binds them: JAXB's binding is lenient (a {@code limit} of {@code abc} would be no limit, a
 * second message or an unknown element would be dropped), so a request the WSDL does not allow is
 * refused here with {@code GW-API-009}. The message a {@code SubmitMessage} or
 * {@code RecordConsent} carries is left to the node's codec (its {@code xs:any} is skipped here),
 * so its refusals keep the codes the REST API gives.
 */
final class OperationShapes {

    static final String WSDL = "/wsdl/liaison-gateway-v1.wsdl";
    private static final String MESSAGES_XSD = "/xsd/v1/liaison-messages-v1.xsd";
    private static final Pattern KEY = Pattern.compile("^(cvc-[a-zA-Z-]+)([.0-9a-z]*):");

    private final Schema schema;
    private final Set<String> operations = new HashSet<>();

    OperationShapes() {
        URL wsdl = OperationShapes.class.getResource(WSDL);
        if (wsdl == null) {
            throw new IllegalStateException("Missing resource " + WSDL);
        }
        try (InputStream in = wsdl.openStream()) {
            DocumentBuilderFactory builders = DocumentBuilderFactory.newInstance();
            builders.setNamespaceAware(true);
            builders.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            builders.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document document = builders.newDocumentBuilder().parse(in);
            Element types = (Element) document.getElementsByTagNameNS(XMLConstants.W3C_XML_SCHEMA_NS_URI, "schema").item(0);
            NodeList wildcards = types.getElementsByTagNameNS(XMLConstants.W3C_XML_SCHEMA_NS_URI, "any");
            for (int i = 0; i < wildcards.getLength(); i++) {
                Element any = (Element) wildcards.item(i);
                any.setAttribute("processContents", "skip");
                any.setAttribute("namespace", "##any"); // a message of another version is the codec's to name (GW-SCHEMA-002)
            }
            for (Node child = types.getFirstChild(); child != null; child = child.getNextSibling()) {
                if (child instanceof Element element && "element".equals(element.getLocalName())) {
                    operations.add(element.getAttribute("name"));
                }
            }
            SchemaFactory factory = SchemaFactory.newDefaultInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            DOMImplementationLS ls = (DOMImplementationLS) document.getImplementation().getFeature("LS", "3.0");
            // The one import, the message schema, comes from the classpath: nothing is fetched.
            factory.setResourceResolver((type, namespace, publicId, systemId, baseUri) -> {
                LSInput input = ls.createLSInput();
                input.setByteStream(OperationShapes.class.getResourceAsStream(MESSAGES_XSD));
                input.setSystemId(OperationShapes.class.getResource(MESSAGES_XSD).toExternalForm());
                return input;
            });
            schema = factory.newSchema(new DOMSource(types, wsdl.toExternalForm()));
        } catch (SAXException | ParserConfigurationException e) {
            throw new IllegalStateException("The WSDL's schema does not compile", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checks an operation element of the service's namespace against its declaration; an element
     * the WSDL does not declare is left to CXF, which refuses it ({@code GW-API-012}).
     *
     * @return null if it matches, else what is wrong, naming the operation (for a {@code GW-API-009})
     */
    String refusal(Element operation) {
        if (!SoapFaults.NAMESPACE.equals(operation.getNamespaceURI()) || !operations.contains(operation.getLocalName())) {
            return null;
        }
        Validator validator = schema.newValidator();
        FirstError first = new FirstError();
        validator.setErrorHandler(first);
        try {
            validator.validate(new DOMSource(operation));
        } catch (SAXException e) {
            // the first error, already kept
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return first.error == null ? null : operation.getLocalName() + ": " + explain(first.error);
    }

    /** What is wrong, from the validator's message key only: its text may quote the input. */
    static String explain(SAXParseException error) {
        Matcher key = KEY.matcher(String.valueOf(error.getMessage()));
        if (!key.find()) {
            return "the request does not match the operation in the WSDL";
        }
        String what = switch (key.group(1)) {
            case "cvc-complex-type" -> "an element is missing, repeated, out of order or not expected here";
            case "cvc-minLength-valid", "cvc-maxLength-valid", "cvc-length-valid" -> "a value is too short or too long";
            case "cvc-elt" -> "an element is empty (nil) or not expected here";
            default -> "a value is not of its type";
        };
        return what + " (" + key.group(1) + key.group(2) + ")";
    }

    private static final class FirstError implements ErrorHandler {
        SAXParseException error;

        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            error = e;
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            error = e;
            throw e;
        }
    }
}
