package fr.liaison.gateway.exchange;

import fr.liaison.gateway.config.BrokerDisk;
import fr.liaison.gateway.config.DirectoryHolder;
import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.AuditTrail;
import fr.liaison.routes.camel.ExchangeHeaders;
import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.Participant;
import fr.liaison.routes.receipt.Receipts;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import jakarta.servlet.http.HttpServletRequest;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The inter-node endpoint, on the mutual-TLS listener only. The TLS client certificate must be a
 * participant's directory TLS certificate, still trusted; the envelope then goes through the
 * inbound route, whose signed receipt is the answer.
 */
@RestController
class ExchangeController {

    static final MediaType CMS = MediaType.parseMediaType("application/cms");
    static final String MESSAGE_ID_HEADER = "Liaison-Message-Id";

    private final ProducerTemplate producer;
    private final DirectoryHolder directory;
    private final AuditTrail audit;
    private final Clock clock;
    private final String participantId;
    private final BrokerDisk disk;

    ExchangeController(ProducerTemplate producer, DirectoryHolder directory, AuditTrail audit, Clock clock,
            fr.liaison.gateway.config.LiaisonProperties properties, BrokerDisk disk) {
        this.producer = producer;
        this.directory = directory;
        this.audit = audit;
        this.clock = clock;
        this.participantId = properties.participantId();
        this.disk = disk;
    }

    @PostMapping(path = "/exchange/v1/envelopes")
    ResponseEntity<byte[]> receive(@RequestBody(required = false) byte[] body,
            @RequestHeader(name = MESSAGE_ID_HEADER, required = false) String messageId, HttpServletRequest request) {
        // An empty body is an envelope like any other: refused by the route, with a signed receipt.
        byte[] envelope = body == null ? new byte[0] : body;
        Participant peer = peer(request, envelope, messageId);
        // A 503, not a signed refusal: the sender's node keeps the envelope and sends it again later.
        disk.requireRoom(peer.id());
        Map<String, Object> headers = new HashMap<>();
        headers.put(ExchangeHeaders.TRANSPORT_SENDER, peer.id());
        headers.put(ExchangeHeaders.CLAIMED_MESSAGE_ID, messageId);
        Exchange result = producer.request("direct:inbound-receive", e -> {
            e.getMessage().setBody(envelope);
            e.getMessage().setHeaders(headers);
        });
        if (result.getException() != null) {
            throw new IllegalStateException("inbound route failed", result.getException());
        }
        boolean rejected = Boolean.TRUE.equals(result.getMessage().getHeader(ExchangeHeaders.REJECTED, Boolean.class));
        return ResponseEntity.status(rejected ? 422 : 200).contentType(CMS).body(result.getMessage().getBody(byte[].class));
    }

    private Participant peer(HttpServletRequest request, byte[] envelope, String messageId) {
        X509Certificate[] chain = (X509Certificate[]) request.getAttribute("jakarta.servlet.request.X509Certificate");
        Directory current = directory.current();
        try {
            if (chain == null || chain.length == 0) {
                throw new LiaisonException(ErrorCode.EXCHANGE_PEER_CERTIFICATE, "no client certificate");
            }
            Participant peer = current.byTlsCertificate(chain[0]).orElseThrow(
                    () -> new LiaisonException(ErrorCode.EXCHANGE_PEER_CERTIFICATE, chain[0].getSubjectX500Principal().getName()));
            current.trust().check(chain[0]);
            return peer;
        } catch (LiaisonException e) {
            LiaisonException refusal = e.code() == ErrorCode.EXCHANGE_PEER_CERTIFICATE ? e
                    : new LiaisonException(ErrorCode.EXCHANGE_PEER_CERTIFICATE, e.code().code());
            audit.append(new AuditEntry(clock.instant(), AuditStep.REJECTED, messageId, null, null, null, participantId, null, null,
                    null, Receipts.sha256Hex(envelope), refusal.code().code(), "tls:" + request.getRemoteAddr(), null));
            throw refusal;
        }
    }
}
