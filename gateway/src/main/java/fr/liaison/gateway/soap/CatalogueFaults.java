package fr.liaison.gateway.soap;

import fr.liaison.gateway.api.Problems;
import fr.liaison.schemas.error.ErrorCode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.xml.stream.XMLStreamException;

import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.binding.soap.interceptor.AbstractSoapInterceptor;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.jaxws.interceptors.WebFaultOutInterceptor;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Last word on every fault before it is written: a fault that does not already carry a
 * {@code FaultDetail} (a malformed envelope, an unknown operation, a failure inside the node) gets
 * one with a catalogue code, and its fault string becomes that code's title, so no parser message,
 * exception text or stack trace reaches the client. The original is logged by type only.
 */
final class CatalogueFaults extends AbstractSoapInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogueFaults.class);

    CatalogueFaults() {
        // After WebFaultOutInterceptor has turned a declared LiaisonFault into its detail element.
        super(Phase.PRE_PROTOCOL);
        addAfter(WebFaultOutInterceptor.class.getName());
    }

    @Override
    public void handleMessage(SoapMessage message) throws Fault {
        if (!(message.getContent(Exception.class) instanceof Fault fault)) {
            return;
        }
        String carried = carriedCode(fault);
        if (carried != null) {
            if (fault.getStatusCode() == 401) {
                challenge(message);
            }
            if (Arrays.stream(ErrorCode.values()).anyMatch(c -> c.code().equals(carried) && Problems.status(c).is4xxClientError())) {
                fault.setFaultCode(message.getVersion().getSender()); // the request was refused, the node did not fail
            }
            return;
        }
        boolean senderFault = fault instanceof SoapFault soap && isSender(soap);
        ErrorCode code = malformed(fault) ? ErrorCode.XML_MALFORMED
                : senderFault ? ErrorCode.SCHEMA_UNKNOWN_TYPE : ErrorCode.API_INTERNAL;
        if (code == ErrorCode.API_INTERNAL) {
            Throwable cause = fault;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            // The exception's message may quote input: only its type at ERROR, the trace at DEBUG.
            LOG.error("{} in the SOAP service: {}", code.code(), cause.getClass().getName());
            LOG.debug("stack trace", fault);
        }
        SoapFault replacement = new SoapFault(SoapFaults.faultString(code),
                code == ErrorCode.API_INTERNAL ? message.getVersion().getReceiver() : message.getVersion().getSender());
        replacement.setDetail(SoapFaults.detail(code, null));
        replacement.setStatusCode(code == ErrorCode.API_INTERNAL ? 500 : 400);
        message.setContent(Exception.class, replacement);
    }

    /** The catalogue code of the fault's FaultDetail, if it has one. */
    private static String carriedCode(Fault fault) {
        Element detail = fault.getDetail();
        for (Node node = detail == null ? null : detail.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element child && SoapFaults.NAMESPACE.equals(child.getNamespaceURI())
                    && "FaultDetail".equals(child.getLocalName())) {
                for (Node part = child.getFirstChild(); part != null; part = part.getNextSibling()) {
                    if (part instanceof Element field && "code".equals(field.getLocalName())) {
                        return field.getTextContent().strip();
                    }
                }
                return "";
            }
        }
        return null;
    }

    private static boolean isSender(SoapFault fault) {
        String local = fault.getFaultCode() == null ? "" : fault.getFaultCode().getLocalPart();
        return !"Server".equals(local) && !"Receiver".equals(local); // Client, Sender, VersionMismatch, MustUnderstand
    }

    private static boolean malformed(Throwable fault) {
        for (Throwable t = fault; t != null; t = t.getCause()) {
            if (t instanceof XMLStreamException || t instanceof org.xml.sax.SAXException) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static void challenge(Message message) {
        Map<String, List<String>> headers = (Map<String, List<String>>) message.get(Message.PROTOCOL_HEADERS);
        if (headers == null) {
            headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            message.put(Message.PROTOCOL_HEADERS, headers);
        }
        headers.put("WWW-Authenticate", new ArrayList<>(List.of("Bearer realm=\"liaison\"")));
    }
}
