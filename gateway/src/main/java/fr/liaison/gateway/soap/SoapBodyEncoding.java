package fr.liaison.gateway.soap;

import fr.liaison.gateway.api.XmlCharset;
import fr.liaison.schemas.error.ErrorCode;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.binding.soap.interceptor.AbstractSoapInterceptor;
import org.apache.cxf.helpers.HttpHeaderHelper;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.Phase;

/**
 * How the request's bytes are text (a body with a content coding never gets here: BodySizeLimit
 * refuses it). A body whose Content-Type names no
 * charset is read in the encoding the document itself shows (RFC 7303: its byte order mark, else
 * its encoding declaration, else UTF-8), where CXF would read it as UTF-8 whatever it says: WS-I
 * Basic Profile R4001 has a receiver accept UTF-16 as well as UTF-8.
 */
final class SoapBodyEncoding extends AbstractSoapInterceptor {

    private static final int PROLOG = XmlCharset.DECLARATION_BYTES;

    SoapBodyEncoding() {
        super(Phase.RECEIVE);
        addAfter(SoapVersionFromContentType.class.getName());
    }

    @Override
    public void handleMessage(SoapMessage message) throws Fault {
        if (!"POST".equals(message.get(Message.HTTP_REQUEST_METHOD))) {
            return;
        }
        Object contentType = message.get(Message.CONTENT_TYPE);
        InputStream body = message.getContent(InputStream.class);
        if (body == null || contentType == null || contentType.toString().toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            return;
        }
        byte[] prolog;
        try {
            BufferedInputStream buffered = new BufferedInputStream(body, PROLOG);
            buffered.mark(PROLOG);
            prolog = buffered.readNBytes(PROLOG);
            buffered.reset();
            message.setContent(InputStream.class, buffered);
        } catch (IOException e) {
            throw new Fault(e);
        }
        // RFC 7303: a byte order mark decides first, then the charset parameter, then the document.
        String encoding = XmlCharset.byteOrderMark(prolog, prolog.length);
        if (encoding == null && HttpHeaderHelper.findCharset(contentType.toString()) != null) {
            return; // as CXF read it from the Content-Type
        }
        if (encoding == null) {
            encoding = XmlCharset.withoutCharsetParameter(prolog, prolog.length);
        }
        if (encoding == null) {
            SoapFault refusal = new SoapFault(SoapFaults.faultString(ErrorCode.XML_MALFORMED), message.getVersion().getSender());
            refusal.setDetail(SoapFaults.detail(ErrorCode.XML_MALFORMED, "the XML declaration does not end within its first "
                    + PROLOG + " bytes, or its encoding cannot be read; or send the charset in the Content-Type"));
            refusal.setStatusCode(400); // as any body that is not well-formed XML, in both versions
            throw refusal;
        }
        message.put(Message.ENCODING, encoding);
    }
}
