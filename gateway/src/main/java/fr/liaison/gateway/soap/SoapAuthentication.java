package fr.liaison.gateway.soap;

import fr.liaison.gateway.api.LocalClients;
import fr.liaison.schemas.error.ErrorCode;

import jakarta.servlet.http.HttpServletRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
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
 * credential ends here with a fault GW-API-001 (HTTP 401). The Security header is understood, so its
 * {@code wsu:Timestamp}, when there is one, is honoured whatever the credential: a request that has
 * expired, or was created in the future, beyond five minutes of clock skew, is refused (GW-API-012)
 * as WS-Security 1.1 (10) asks.
 */
final class SoapAuthentication extends AbstractSoapInterceptor {

    /** Exchange key of the authenticated local client's name. */
    static final String CLIENT = "liaison.soap.client";

    static final String WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    static final String PASSWORD_TEXT = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";
    static final String WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    private static final QName SECURITY = new QName(WSSE, "Security");
    /** The clock skew allowed between the client and the node, as WSS4J allows by default. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final LocalClients clients;
    private final Clock clock;

    SoapAuthentication(LocalClients clients, Clock clock) {
        super(Phase.PRE_PROTOCOL);
        this.clients = clients;
        this.clock = clock;
    }

    @Override
    public Set<QName> getUnderstoodHeaders() {
        return Set.of(SECURITY);
    }

    @Override
    public void handleMessage(SoapMessage message) throws Fault {
        String stale = staleTimestamp(message);
        if (stale != null) {
            SoapFault fault = new SoapFault(SoapFaults.faultString(ErrorCode.API_SOAP_REQUEST), message.getVersion().getSender());
            fault.setDetail(SoapFaults.detail(ErrorCode.API_SOAP_REQUEST, stale));
            throw fault;
        }
        Optional<String> client = bearer(message).or(() -> basic(message)).or(() -> usernameToken(message));
        if (client.isEmpty()) {
            SoapFault fault = new SoapFault(SoapFaults.faultString(ErrorCode.API_UNAUTHENTICATED), message.getVersion().getSender());
            fault.setDetail(SoapFaults.detail(ErrorCode.API_UNAUTHENTICATED, digestPassword(message)
                    ? "a UsernameToken's password digest cannot be checked (the node keeps no token in clear): send the token as PasswordText, or in an Authorization header"
                    : "send Authorization: Bearer <token>, HTTP Basic, or a wsse:UsernameToken whose PasswordText is the token"));
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

    /** Whether the Security header holds a UsernameToken whose password is of another type than PasswordText. */
    private static boolean digestPassword(SoapMessage message) {
        Header security = message.getHeader(SECURITY);
        if (security == null || !(security.getObject() instanceof Element element)) {
            return false;
        }
        Element token = child(element, "UsernameToken");
        Element password = token == null ? null : child(token, "Password");
        return password != null && !password.getAttribute("Type").isEmpty() && !PASSWORD_TEXT.equals(password.getAttribute("Type"));
    }

    /** Why the Security header's Timestamp refuses the request, or null when it has none or it holds. */
    private String staleTimestamp(SoapMessage message) {
        Header security = message.getHeader(SECURITY);
        if (security == null || !(security.getObject() instanceof Element element)) {
            return null;
        }
        Element timestamp = child(element, WSU, "Timestamp");
        if (timestamp == null) {
            return null;
        }
        Instant now = clock.instant();
        Element created = child(timestamp, WSU, "Created");
        Element expires = child(timestamp, WSU, "Expires");
        Instant createdAt = created == null ? null : time(created);
        Instant expiresAt = expires == null ? null : time(expires);
        if (created != null && createdAt == null || expires != null && expiresAt == null) {
            return "the Security header's Timestamp holds a time that is not an xs:dateTime";
        }
        if (expiresAt != null && expiresAt.plus(CLOCK_SKEW).isBefore(now)) {
            return "the Security header's Timestamp has expired (wsu:Expires is past, beyond " + CLOCK_SKEW.toMinutes() + " minutes of clock skew)";
        }
        if (createdAt != null && createdAt.minus(CLOCK_SKEW).isAfter(now)) {
            return "the Security header's Timestamp is created in the future (beyond " + CLOCK_SKEW.toMinutes() + " minutes of clock skew)";
        }
        return null;
    }

    /** An xs:dateTime; one without an offset is taken as UTC, as WS-Security recommends UTC times. */
    private static Instant time(Element element) {
        String text = element.getTextContent().strip();
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
    }

    private static Element child(Element parent, String localName) {
        return child(parent, WSSE, localName);
    }

    private static Element child(Element parent, String namespace, String localName) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element child && namespace.equals(child.getNamespaceURI()) && localName.equals(child.getLocalName())) {
                return child;
            }
        }
        return null;
    }
}
