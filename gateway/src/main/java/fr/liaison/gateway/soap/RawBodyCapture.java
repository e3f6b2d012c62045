package fr.liaison.gateway.soap;

import fr.liaison.gateway.api.LocalRefusals;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.namespace.NamespaceContext;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.helpers.DOMUtils;
import org.apache.cxf.binding.soap.interceptor.AbstractSoapInterceptor;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.staxutils.StaxUtils;
import org.apache.cxf.staxutils.W3CDOMStreamReader;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Keeps the body's operation element as DOM before JAXB binds it, so that a submitted message is
 * validated from its own XML by the node's codec (same codes and locations as REST): JAXB's
 * lenient binding would silently drop unknown elements. The operation's own parameters are checked
 * against the WSDL here ({@link OperationShapes}). The binding then reads the same DOM.
 */
final class RawBodyCapture extends AbstractSoapInterceptor {

    /** Exchange key of the operation element (e.g. g:SubmitMessage) as received. */
    static final String OPERATION_ELEMENT = "liaison.soap.operation";
    /** A value that may be a qualified name (xsi:type="l:Kind"): its prefix, if any. */
    private static final Pattern QUALIFIED_VALUE = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.-]*):[A-Za-z_][A-Za-z0-9_.-]*\\s*");

    private final OperationShapes shapes;
    private final LocalRefusals refusals;

    RawBodyCapture(OperationShapes shapes, LocalRefusals refusals) {
        super(Phase.POST_PROTOCOL);
        this.shapes = shapes;
        this.refusals = refusals;
    }

    @Override
    public void handleMessage(SoapMessage message) throws Fault {
        XMLStreamReader reader = message.getContent(XMLStreamReader.class);
        if (reader != null && reader.getEventType() == XMLStreamReader.END_ELEMENT) {
            // An empty Body names no operation, whatever the SOAPAction says: the client's to correct.
            SoapFault fault = new SoapFault(SoapFaults.faultString(ErrorCode.API_SOAP_REQUEST), message.getVersion().getSender());
            fault.setDetail(SoapFaults.detail(ErrorCode.API_SOAP_REQUEST, "the Body holds no operation element"));
            throw fault;
        }
        if (reader == null || reader.getEventType() != XMLStreamReader.START_ELEMENT) {
            return;
        }
        try {
            // Live: after the operation is read, what the Envelope and Body declare is still in scope.
            NamespaceContext inScope = reader.getNamespaceContext();
            Document document = DOMUtils.newDocument();
            Element body = document.createElementNS(message.getVersion().getNamespace(), "Body");
            document.appendChild(body);
            StaxUtils.readDocElements(document, body, reader, false, false);
            Element operation = firstElement(body);
            if (operation == null) {
                return;
            }
            // A prefix may be used in a value (xsi:type="l:Kind") and declared on the Envelope, as some
            // toolkits do: the operation and the message, read on their own, keep every declaration in scope.
            declareFromAbove(operation, operation, inScope);
            Element submitted = firstElement(operation);
            if (submitted != null) {
                inheritDeclarations(submitted, operation);
            }
            String refused = shapes.refusal(operation);
            if (refused != null) {
                Object client = message.getExchange().get(SoapAuthentication.CLIENT);
                refusals.refused(new LiaisonException(ErrorCode.API_BAD_REQUEST, refused), client == null ? null : client.toString());
                SoapFault fault = new SoapFault(SoapFaults.faultString(ErrorCode.API_BAD_REQUEST), message.getVersion().getSender());
                fault.setDetail(SoapFaults.detail(ErrorCode.API_BAD_REQUEST, refused));
                throw fault;
            }
            message.getExchange().put(OPERATION_ELEMENT, operation);
            W3CDOMStreamReader replay = new W3CDOMStreamReader(body);
            while (replay.getEventType() != XMLStreamReader.START_ELEMENT || replay.getCurrentElement() != operation) {
                replay.next(); // to the operation element, where the binding expects the reader
            }
            message.setContent(XMLStreamReader.class, replay);
        } catch (XMLStreamException e) {
            throw new Fault(e);
        }
    }

    /**
     * Declares on {@code operation} the namespaces declared above it (on the Body or the Envelope)
     * that a value within it uses: the default one, and each prefix of a value that may be a
     * qualified name and that nothing within declares. Each was in scope there already.
     */
    private static void declareFromAbove(Element operation, Element node, NamespaceContext inScope) {
        if (node == operation) {
            String defaultNamespace = inScope.getNamespaceURI(XMLConstants.DEFAULT_NS_PREFIX);
            if (defaultNamespace != null && !defaultNamespace.isEmpty()) {
                declare(operation, "", defaultNamespace);
            }
        }
        NamedNodeMap attributes = node.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            declarePrefixOf(operation, node, attributes.item(i).getNodeValue(), inScope);
        }
        for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element) {
                declareFromAbove(operation, element, inScope);
            } else if (child.getNodeType() == Node.TEXT_NODE) {
                declarePrefixOf(operation, node, child.getNodeValue(), inScope);
            }
        }
    }

    private static void declarePrefixOf(Element operation, Element where, String value, NamespaceContext inScope) {
        if (value == null || value.length() > 200) {
            return;
        }
        Matcher qualified = QUALIFIED_VALUE.matcher(value);
        if (qualified.matches() && where.lookupNamespaceURI(qualified.group(1)) == null) {
            String namespace = inScope.getNamespaceURI(qualified.group(1));
            if (namespace != null && !namespace.isEmpty()) {
                declare(operation, qualified.group(1), namespace);
            }
        }
    }

    /** Declares on {@code element} every namespace declared on {@code from} that it does not declare itself. */
    private static void inheritDeclarations(Element element, Element from) {
        NamedNodeMap attributes = from.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Node attribute = attributes.item(i);
            if (XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(attribute.getNamespaceURI())) {
                String prefix = XMLConstants.XMLNS_ATTRIBUTE.equals(attribute.getLocalName()) ? "" : attribute.getLocalName();
                declare(element, prefix, attribute.getNodeValue());
            }
        }
    }

    private static void declare(Element element, String prefix, String namespace) {
        String name = prefix.isEmpty() ? XMLConstants.XMLNS_ATTRIBUTE : XMLConstants.XMLNS_ATTRIBUTE + ":" + prefix;
        if (!element.hasAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, prefix.isEmpty() ? XMLConstants.XMLNS_ATTRIBUTE : prefix)) {
            element.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, name, namespace);
        }
    }

    static Element firstElement(Node parent) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                return element;
            }
        }
        return null;
    }
}
