package fr.liaison.gateway.soap;

import fr.liaison.gateway.api.LocalRefusals;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

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
            Document document = DOMUtils.newDocument();
            Element body = document.createElementNS(message.getVersion().getNamespace(), "Body");
            document.appendChild(body);
            StaxUtils.readDocElements(document, body, reader, false, false);
            Element operation = firstElement(body);
            if (operation == null) {
                return;
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

    static Element firstElement(Node parent) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                return element;
            }
        }
        return null;
    }
}
