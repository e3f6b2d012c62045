package fr.liaison.gateway.soap;

import fr.liaison.gateway.api.LocalClients;
import fr.liaison.schemas.error.ErrorCode;

import jakarta.servlet.http.HttpServletRequest;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

import javax.xml.namespace.QName;

import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.binding.soap.interceptor.AbstractSoapInterceptor;
import org.apache.cxf.headers.Header;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.transport.http.AbstractHTTPDestination;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The SOAP service's authentication, the same credential as REST: the local client's token, either
 * as {@code Authorization: Bearer <token>}, or as HTTP Basic or a WS-Security UsernameToken whose
 * user name is the client's name and whose password (PasswordText) is its token. Runs once CXF has read
 * the envelope's header, before the body is bound to an operation (a call without a bearer token or
 * Basic credentials is read under {@code UnauthenticatedBodyReads}' cap); a request without a valid
 * credential ends here with a fault GW-API-001 (HTTP 401).
 */
final class SoapAuthentication extends AbstractSoapInterceptor {

    /** Exchange key of the authenticated local client's name. */
    static final String CLIENT = "liaison.soap.client";

    static final String WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    static final String PASSWORD_TEXT = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";
    private static final QName SECURITY = new QName(WSSE, "Security");

    private final LocalClients clients;

    SoapAuthentication(LocalClients clients) {
        super(Phase.PRE_PROTOCOL);
        this.clients = clients;
    }

    @Override
    public Set<QName> getUnderstoodHeaders() {
        return Set.of(SECURITY);
    }

    @Override
    public void handleMessage(SoapMessage message) throws Fault {
        Optional<String> client = bearer(message).or(() -> basic(message)).or(() -> usernameToken(message));
        if (client.isEmpty()) {
            SoapFault fault = new SoapFault(SoapFaults.faultString(ErrorCode.API_UNAUTHENTICATED), message.getVersion().getSender());
            fault.setDetail(SoapFaults.detail(ErrorCode.API_UNAUTHENTICATED, null));
            fault.setStatusCode(401);
            throw fault;
        }
        message.getExchange().put(CLIENT, client.get());
    }

    private Optional<String> bearer(SoapMessage message) {
        HttpServletRequest request = (HttpServletRequest) message.get(AbstractHTTPDestination.HTTP_REQUEST);
        String header = request == null ? null : request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return clients.authenticate(header.substring(7).strip());
        }
        return Optional.empty();
    }

    /** HTTP Basic, as many SOAP toolkits send it: the client's name and its token, as in a UsernameToken. */
    private Optional<String> basic(SoapMessage message) {
        HttpServletRequest request = (HttpServletRequest) message.get(AbstractHTTPDestination.HTTP_REQUEST);
        return request == null ? Optional.empty() : clients.fromBasic(request.getHeader("Authorization"));
    }

    /** wsse:Security/wsse:UsernameToken with a PasswordText password; digests cannot be checked (only token digests are kept). */
    private Optional<String> usernameToken(SoapMessage message) {
        Header security = message.getHeader(SECURITY);
        if (security == null || !(security.getObject() instanceof Element element)) {
            return Optional.empty();
        }
        Element token = child(element, "UsernameToken");
        Element username = token == null ? null : child(token, "Username");
        Element password = token == null ? null : child(token, "Password");
        if (username == null || password == null) {
            return Optional.empty();
        }
        String type = password.getAttribute("Type");
        if (!type.isEmpty() && !PASSWORD_TEXT.equals(type)) {
            return Optional.empty();
        }
        String name = username.getTextContent().strip();
        return clients.authenticate(password.getTextContent().strip())
                .filter(client -> MessageDigest.isEqual(client.getBytes(StandardCharsets.UTF_8), name.getBytes(StandardCharsets.UTF_8)));
    }

    private static Element child(Element parent, String localName) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element child && WSSE.equals(child.getNamespaceURI()) && localName.equals(child.getLocalName())) {
                return child;
            }
        }
        return null;
    }
}
