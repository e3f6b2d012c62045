package fr.liaison.gateway.soap;

import fr.liaison.schemas.error.ErrorCode;

import javax.xml.stream.XMLStreamReader;

import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.binding.soap.interceptor.AbstractSoapInterceptor;
import org.apache.cxf.binding.soap.interceptor.ReadHeadersInterceptor;
import org.apache.cxf.binding.soap.interceptor.StartBodyInterceptor;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.phase.Phase;

/**
 * An envelope whose Header is not followed by a Body is the client's to correct (SOAP 1.1 4, SOAP
 * 1.2 part 1 5): a Client/Sender fault GW-API-012. CXF would read past the end of the document and
 * answer that the node failed, inviting a retry, with an error in the node's log.
 */
final class EnvelopeWithBody extends AbstractSoapInterceptor {

    EnvelopeWithBody() {
        super(Phase.READ);
        addAfter(ReadHeadersInterceptor.class.getName());
        addBefore(StartBodyInterceptor.class.getName());
    }

    @Override
    public void handleMessage(SoapMessage message) throws Fault {
        XMLStreamReader reader = message.getContent(XMLStreamReader.class);
        if (reader == null) {
            return;
        }
        boolean atBody = reader.getEventType() == XMLStreamReader.START_ELEMENT
                && "Body".equals(reader.getLocalName())
                && message.getVersion().getNamespace().equals(reader.getNamespaceURI());
        if (!atBody) {
            SoapFault fault = new SoapFault(SoapFaults.faultString(ErrorCode.API_SOAP_REQUEST), message.getVersion().getSender());
            fault.setDetail(SoapFaults.detail(ErrorCode.API_SOAP_REQUEST, "the Envelope holds no Body after its Header"));
            throw fault;
        }
    }
}
