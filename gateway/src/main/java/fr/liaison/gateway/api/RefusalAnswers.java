package fr.liaison.gateway.api;

import fr.liaison.schemas.error.LiaisonException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.springframework.http.MediaType;

import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a refusal decided before any controller or the SOAP service ran (a servlet filter): a
 * SOAP fault, in the version the request's Content-Type declares, for a SOAP request; problem+json
 * for anything else. The fault has the shape the SOAP service gives every refusal: Client (Sender)
 * code, the catalogue code in its FaultDetail.
 */
public final class RefusalAnswers {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final MediaType SOAP_12 = MediaType.parseMediaType("application/soap+xml");

    private RefusalAnswers() {
    }

    /** Answers the refusal with the given HTTP status, as a SOAP fault if {@code soap}. */
    public static void write(HttpServletRequest request, HttpServletResponse response, LiaisonException refusal, int status, boolean soap)
            throws IOException {
        response.setStatus(status);
        byte[] answer;
        if (soap) {
            boolean soap12 = soap12(request);
            response.setContentType((soap12 ? SOAP_12 : MediaType.TEXT_XML).toString() + ";charset=UTF-8");
            answer = soapFault(refusal, soap12);
        } else {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            answer = JSON.writeValueAsBytes(Problems.body(refusal, request.getRequestURI()));
        }
        response.setContentLength(answer.length);
        response.getOutputStream().write(answer);
    }

    /** Whether the request declares SOAP 1.2 ({@code application/soap+xml}); anything else is answered in SOAP 1.1. */
    public static boolean soap12(HttpServletRequest request) {
        // By its start: a Content-Type Spring cannot parse (an unknown charset) still names its SOAP version.
        return request.getContentType() != null
                && request.getContentType().strip().toLowerCase(java.util.Locale.ROOT).startsWith("application/soap+xml");
    }

    private static byte[] soapFault(LiaisonException refusal, boolean soap12) {
        String title = xml(refusal.code().code() + ": " + refusal.code().message());
        String detail = "<g:FaultDetail xmlns:g=\"urn:liaison:gateway:v1\"><g:code>" + refusal.code().code() + "</g:code><g:title>"
                + xml(refusal.code().message()) + "</g:title>"
                + (refusal.details().isEmpty() ? "" : "<g:detail>" + xml(String.join("; ", refusal.details())) + "</g:detail>")
                + "</g:FaultDetail>";
        String envelope = soap12
                ? "<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\"><env:Body><env:Fault><env:Code><env:Value>env:Sender"
                        + "</env:Value></env:Code><env:Reason><env:Text xml:lang=\"en\">" + title + "</env:Text></env:Reason><env:Detail>"
                        + detail + "</env:Detail></env:Fault></env:Body></env:Envelope>"
                : "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><soap:Fault><faultcode>soap:Client"
                        + "</faultcode><faultstring>" + title + "</faultstring><detail>" + detail + "</detail></soap:Fault></soap:Body>"
                        + "</soap:Envelope>";
        return envelope.getBytes(StandardCharsets.UTF_8);
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
