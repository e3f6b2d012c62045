package fr.liaison.gateway.soap;

import fr.liaison.gateway.api.Problems;
import fr.liaison.schemas.error.ErrorCode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import javax.xml.stream.XMLStreamException;

import org.apache.cxf.binding.soap.Soap12;
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
    /** CXF's switch to write each value of a response header on its own line rather than joined. */
    private static final String ADD_HEADERS = "org.apache.cxf.http.add-headers";
    /** Woodstox: "Maximum Element Depth limit (100) Exceeded". */
    private static final Pattern DEPTH_LIMIT = Pattern.compile("Maximum Element Depth limit \\(\\d+\\)");
    /** Woodstox: "Attribute limit (500) exceeded", "Maximum Text Length limit (...) Exceeded"... */
    private static final Pattern PARSER_LIMIT = Pattern.compile("limit \\(\\d+\\) exceeded", Pattern.CASE_INSENSITIVE);
    /** A document type declaration, as the parser or CXF names it (a tag quoted from the input starts with '<'). */
    private static final Pattern DOCTYPE = Pattern.compile("(?<![</\\w])(DTD|DOCTYPE)\\b");

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
                if (message.getVersion() instanceof Soap12 && fault.getStatusCode() == 500) {
                    fault.setStatusCode(400); // SOAP 1.2 part 2, 7.5.2.2: env:Sender is 400; SOAP 1.1 faults stay 500 (WS-I BP R1126)
                }
            }
            nameTheCode(message, fault, carried);
            return;
        }
        boolean senderFault = fault instanceof SoapFault soap && isSender(soap);
        // CXF's own refusal of the request as it reads it (no operation for the body element or the
        // SOAPAction, an unexpected wrapper, an empty body): raised without a cause, the client's to correct.
        // An exception escaping the node's own code is wrapped in its fault, and stays a Receiver fault.
        boolean undispatched = !(fault instanceof SoapFault) && (fault.getCause() == null || fault.getCause() == fault);
        ErrorCode unreadable = unreadable(fault);
        ErrorCode code = unreadable != null ? unreadable
                : fault.getStatusCode() == 405 ? ErrorCode.API_METHOD_NOT_ALLOWED // CXF: neither GET nor POST
                : protocolFault(fault) || undispatched && !senderFault ? ErrorCode.API_SOAP_REQUEST
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
        // VersionMismatch and MustUnderstand keep their standard fault codes (SOAP 1.1 4.4.1, SOAP 1.2 5.4.6).
        // Named in the answer's own SOAP version: CXF may have raised them in the other one.
        SoapFault replacement = new SoapFault(SoapFaults.faultString(code),
                protocolFault(fault) ? protocolFaultCode((SoapFault) fault, message)
                : code == ErrorCode.API_INTERNAL ? message.getVersion().getReceiver() : message.getVersion().getSender());
        replacement.setDetail(SoapFaults.detail(code, code == ErrorCode.API_SOAP_REQUEST && undispatched ? undispatchedDetail(fault) : null));
        replacement.setStatusCode(status(code, fault, message));
        message.setContent(Exception.class, replacement);
        if (!protocolFault(fault)) {
            nameTheCode(message, replacement, code.code());
        }
    }

    /**
     * SOAP 1.2: the catalogue code as the fault's Subcode too ({@code g:GW-API-009}), where toolkits
     * that show only the code and reason (node-soap: "soap:Sender: undefined") look for it.
     */
    private static void nameTheCode(SoapMessage message, Fault fault, String code) {
        if (message.getVersion() instanceof Soap12) {
            SoapFault soap = SoapFault.createFault(fault, message.getVersion());
            soap.setStatusCode(fault.getStatusCode());
            soap.setSubCode(new javax.xml.namespace.QName(SoapFaults.NAMESPACE, code, "g"));
            soap.getNamespaces().put("g", SoapFaults.NAMESPACE); // declared where the Subcode's value needs it
            message.setContent(Exception.class, soap);
        }
    }

    /**
     * What CXF found wrong when it could not dispatch the request, said without quoting the request:
     * its own messages name the SOAPAction or element received.
     */
    private static String undispatchedDetail(Fault fault) {
        String reason = String.valueOf(fault.getMessage());
        if (reason.startsWith("The given SOAPAction")) {
            return "the SOAPAction names no operation of this service, or another one than the Body's element";
        }
        if (reason.contains("was not recognized")) {
            return "the Body's element is no operation of this service (see the WSDL)";
        }
        if (reason.startsWith("Unexpected wrapper element")) {
            return "the Body's element is not the operation the SOAPAction names";
        }
        return "the Body's element, or the SOAPAction, names no operation of this service (see the WSDL)";
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

    /**
     * A node failure, VersionMismatch and MustUnderstand: 500 (SOAP 1.2 part 2, 7.5.2.2); an
     * envelope that cannot be read: 400 (WS-I BP R1113); any other Sender fault: 400 in SOAP 1.2,
     * 500 in SOAP 1.1 (BP R1126); a status CXF decided otherwise (405) stays.
     */
    private static int status(ErrorCode code, Fault fault, SoapMessage message) {
        if (fault.getStatusCode() >= 400 && fault.getStatusCode() != 500) {
            return fault.getStatusCode();
        }
        if (code == ErrorCode.API_INTERNAL || protocolFault(fault)) {
            return 500;
        }
        return code.name().startsWith("XML_") || message.getVersion() instanceof Soap12 ? 400 : 500;
    }

    private static javax.xml.namespace.QName protocolFaultCode(SoapFault fault, SoapMessage message) {
        return "VersionMismatch".equals(fault.getFaultCode().getLocalPart()) ? message.getVersion().getVersionMismatch()
                : message.getVersion().getMustUnderstand();
    }

    private static boolean protocolFault(Fault fault) {
        String local = fault instanceof SoapFault soap && soap.getFaultCode() != null ? soap.getFaultCode().getLocalPart() : "";
        return "VersionMismatch".equals(local) || "MustUnderstand".equals(local);
    }

    /**
     * The code of an envelope the parser refused, as the REST API would give it: the parser's limits
     * (CXF's hardened StAX settings) are told apart by their messages, anything else is malformed.
     */
    private static ErrorCode unreadable(Throwable fault) {
        for (Throwable t = fault; t != null; t = t.getCause()) {
            if (t instanceof XMLStreamException || t instanceof org.xml.sax.SAXException) {
                // Only the parser's own wording: a message may also quote a name from the input, never inside a tag here.
                String reason = String.valueOf(t.getMessage());
                if (DEPTH_LIMIT.matcher(reason).find()) {
                    return ErrorCode.XML_TOO_DEEP;
                }
                if (PARSER_LIMIT.matcher(reason).find()) {
                    return ErrorCode.XML_LIMIT_EXCEEDED;
                }
                if (DOCTYPE.matcher(reason).find()) {
                    return ErrorCode.XML_DOCTYPE_FORBIDDEN;
                }
                return ErrorCode.XML_MALFORMED;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static void challenge(Message message) {
        Map<String, List<String>> headers = (Map<String, List<String>>) message.get(Message.PROTOCOL_HEADERS);
        if (headers == null) {
            headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            message.put(Message.PROTOCOL_HEADERS, headers);
        }
        // Basic too, with its own realm: a toolkit that sends credentials only when challenged waits for it.
        headers.put("WWW-Authenticate", new ArrayList<>(List.of("Bearer realm=\"liaison\"", "Basic realm=\"liaison-soap\"")));
        // One challenge per header line: some clients (Perl's LWP) read only the first of a joined list.
        message.put(ADD_HEADERS, Boolean.TRUE);
    }
}
