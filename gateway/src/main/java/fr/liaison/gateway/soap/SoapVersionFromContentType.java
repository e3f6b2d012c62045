package fr.liaison.gateway.soap;

import fr.liaison.schemas.error.ErrorCode;

import java.util.Locale;

import org.apache.cxf.binding.soap.Soap11;
import org.apache.cxf.binding.soap.Soap12;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.binding.soap.interceptor.AbstractSoapInterceptor;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.Phase;

/**
 * The SOAP version the request's Content-Type declares ({@code text/xml}: 1.1,
 * {@code application/soap+xml}: 1.2), until its envelope says otherwise: one endpoint serves both
 * bindings, and a request refused before its envelope is read (a DTD, a body that is not XML)
 * still gets its fault in its own version, which a client of the other version could not read.
 * Any other Content-Type is refused before the body is read.
 */
final class SoapVersionFromContentType extends AbstractSoapInterceptor {

    SoapVersionFromContentType() {
        super(Phase.RECEIVE);
    }

    @Override
    public void handleMessage(SoapMessage message) throws Fault {
        Object declared = message.get(Message.CONTENT_TYPE);
        String contentType = declared == null ? "" : declared.toString().toLowerCase(Locale.ROOT).strip();
        if (contentType.startsWith("text/xml")) {
            message.setVersion(Soap11.getInstance());
        } else if (contentType.startsWith("application/soap+xml")) {
            message.setVersion(Soap12.getInstance());
        } else if ("POST".equals(message.get(Message.HTTP_REQUEST_METHOD)) && !contentType.startsWith("multipart/related")) {
            // multipart/related: an MTOM or SwA package, whose root part CXF reads in the version it declares.
            // WS-I Basic Profile R1113: 415 for a Content-Type neither binding takes; the fault is SOAP 1.1's.
            message.setVersion(Soap11.getInstance());
            SoapFault refusal = new SoapFault(SoapFaults.faultString(ErrorCode.API_UNSUPPORTED_MEDIA_TYPE), Soap11.getInstance().getSender());
            refusal.setDetail(SoapFaults.detail(ErrorCode.API_UNSUPPORTED_MEDIA_TYPE,
                    "send text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2)"));
            refusal.setStatusCode(415);
            throw refusal;
        }
    }
}
