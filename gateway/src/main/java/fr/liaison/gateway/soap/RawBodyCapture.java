package fr.liaison.gateway.soap;

import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

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
 * lenient binding would silently drop unknown elements. The binding then reads the same DOM.
 */
final class RawBodyCapture extends AbstractSoapInterceptor {

    /** Exchange key of the operation element (e.g. g:SubmitMessage) as received. */
    static final String OPERATION_ELEMENT = "liaison.soap.operation";

    RawBodyCapture() {
        super(Phase.POST_PROTOCOL);
    }

    @Override
    public void handleMessage(SoapMessage message) throws Fault {
        XMLStreamReader reader = message.getContent(XMLStreamReader.class);
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
