package fr.liaison.gateway.exchange;

import fr.liaison.gateway.api.ContentCodings;
import fr.liaison.gateway.api.Problems;
import fr.liaison.gateway.config.BrokerDisk;
import fr.liaison.gateway.config.DirectoryHolder;
import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.AuditTrail;
import fr.liaison.routes.exchange.InboundMessage;
import fr.liaison.routes.camel.ExchangeHeaders;
import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.Participant;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import jakarta.servlet.http.HttpServletRequest;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.bind.annotation.PostMapping;
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
    static final int ENVELOPES_IN_FLIGHT = 4;
    /**
     * Envelopes one peer may have being received at once, whatever their size: twice what a sending
     * node delivers at once by default ({@code liaison.queues.outbound-consumers}, 8). Each holds one
     * of the listener's threads while it arrives, so a peer sending many small envelopes slowly
     * cannot take them all from the others.
     */
    static final int RECEPTIONS_PER_PEER = 16;

    private final ProducerTemplate producer;
    private final DirectoryHolder directory;
    private final AuditTrail audit;
    private final Clock clock;
    private final String participantId;
    private final int maxEnvelopeBytes;
    /**
     * The bytes of envelopes being received at once, at most four of the largest size (two from one
     * peer): each is held in memory, with its decrypted copies, until its receipt is given. One more
     * is answered 503 {@code GW-EXCHANGE-012}, and its sender tries again later.
     */
    private final int maxEnvelopeBytesInFlight;
    private final Semaphore inFlight;
    /** Half of it for one peer, so that one peer sending slowly cannot keep the others out. */
    private final int maxEnvelopeBytesPerPeer;
    private final Map<String, Semaphore> inFlightByPeer = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> receptionsByPeer = new ConcurrentHashMap<>();
    private final BrokerDisk disk;

    ExchangeController(ProducerTemplate producer, DirectoryHolder directory, AuditTrail audit, Clock clock,
            fr.liaison.gateway.config.LiaisonProperties properties, BrokerDisk disk) {
        this.producer = producer;
        this.directory = directory;
        this.audit = audit;
        this.clock = clock;
        this.participantId = properties.participantId();
        this.maxEnvelopeBytes = properties.maxEnvelopeBytes();
        this.maxEnvelopeBytesInFlight = (int) Math.min(Integer.MAX_VALUE, ENVELOPES_IN_FLIGHT * (long) maxEnvelopeBytes);
        this.inFlight = new Semaphore(maxEnvelopeBytesInFlight);
        this.maxEnvelopeBytesPerPeer = Math.max(maxEnvelopeBytes, maxEnvelopeBytesInFlight / 2);
        this.disk = disk;
    }

    @PostMapping(path = "/exchange/v1/envelopes")
    ResponseEntity<byte[]> receive(HttpServletRequest request) {
        String messageId = claimedMessageId(request);
        // The peer is known before the body is read: an outsider never makes the node hold an envelope.
        Participant peer = peer(request, messageId);
        if (!isCms(request.getContentType())) {
            throw rejected(request, messageId, peer.id(), null,
                    new LiaisonException(ErrorCode.API_UNSUPPORTED_MEDIA_TYPE, "send the envelope as application/cms"));
        }
        if (ContentCodings.present(request)) {
            throw rejected(request, messageId, peer.id(), null, new LiaisonException(ErrorCode.API_UNSUPPORTED_MEDIA_TYPE,
                    "send the envelope without a content coding (Content-Encoding)"));
        }
        long declared = request.getContentLengthLong();
        if (declared > maxEnvelopeBytes) {
            // Not read: the connection ends with the answer (UnreadBodyAdapter).
            throw rejected(request, messageId, peer.id(), null, new LiaisonException(ErrorCode.ENVELOPE_TOO_LARGE,
                    declared + " bytes declared, limit " + maxEnvelopeBytes));
        }
        // A 503, not a signed refusal: the sender's node keeps the envelope and sends it again later.
        disk.requireRoom(peer.id());
        Semaphore receptions = receptionsByPeer.computeIfAbsent(peer.id(), id -> new Semaphore(RECEPTIONS_PER_PEER));
        if (!receptions.tryAcquire()) {
            throw rejected(request, messageId, peer.id(), null, new LiaisonException(ErrorCode.EXCHANGE_BUSY,
                    "this peer has " + RECEPTIONS_PER_PEER + " envelopes being received"));
        }
        try {
            return receiveWithinShares(request, messageId, peer);
        } finally {
            receptions.release();
        }
    }

    private ResponseEntity<byte[]> receiveWithinShares(HttpServletRequest request, String messageId, Participant peer) {
        int held = (int) bytesToHold(request);
        Semaphore peerShare = inFlightByPeer.computeIfAbsent(peer.id(), id -> new Semaphore(maxEnvelopeBytesPerPeer));
        if (!peerShare.tryAcquire(held)) {
            throw rejected(request, messageId, peer.id(), null, new LiaisonException(ErrorCode.EXCHANGE_BUSY,
                    "this peer's envelopes being received hold " + (maxEnvelopeBytesPerPeer - peerShare.availablePermits()) + " bytes"));
        }
        try {
            if (!inFlight.tryAcquire(held)) {
                throw rejected(request, messageId, peer.id(), null, new LiaisonException(ErrorCode.EXCHANGE_BUSY,
                        "envelopes of " + (maxEnvelopeBytesInFlight - inFlight.availablePermits()) + " bytes are being received"));
            }
            try {
                return receive(request, messageId, peer);
            } finally {
                inFlight.release(held);
            }
        } finally {
            peerShare.release(held);
        }
    }

    /** What the body may hold in memory while it is read and opened: its declared length, or the limit when chunked. */
    private long bytesToHold(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        return declared >= 0 ? Math.min(declared, maxEnvelopeBytes) : maxEnvelopeBytes;
    }

    /** The header is only the sender's claim, for the audit before the envelope is opened; a value the firewall refuses counts as none. */
    private static String claimedMessageId(HttpServletRequest request) {
        try {
            return request.getHeader(MESSAGE_ID_HEADER);
        } catch (RequestRejectedException unreadable) {
            return null;
        }
    }

    private ResponseEntity<byte[]> receive(HttpServletRequest request, String messageId, Participant peer) {
        // An empty body is an envelope like any other: refused by the route, with a signed receipt.
        byte[] envelope = envelope(request, peer, messageId);
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

    /** The body, up to the size limit (a larger declared length was refused above; a chunked one is cut here). */
    private byte[] envelope(HttpServletRequest request, Participant peer, String messageId) {
        LiaisonException refusal;
        try {
            byte[] envelope = request.getInputStream().readNBytes(maxEnvelopeBytes + 1);
            if (envelope.length <= maxEnvelopeBytes) {
                return envelope;
            }
            refusal = new LiaisonException(ErrorCode.ENVELOPE_TOO_LARGE, "more than " + maxEnvelopeBytes + " bytes sent");
        } catch (IOException e) {
            // A transfer that failed, not an envelope that did: a 5xx, so that the sender sends it again
            // (Tomcat answers the broken body itself, through the error page, which reads this mark).
            request.setAttribute(Problems.INCOMPLETE_ENVELOPE, Boolean.TRUE);
            refusal = new LiaisonException(ErrorCode.EXCHANGE_INCOMPLETE, "the body ended or stalled before it was complete");
        }
        throw rejected(request, messageId, peer.id(), null, refusal);
    }

    /**
     * Audits a refusal decided here, before the inbound route, and returns it, to be thrown. The
     * message id a listed peer claims is kept, since that peer is named beside it; a caller that is
     * no participant attaches nothing to any message, and its entry names the certificate it showed.
     */
    private LiaisonException rejected(HttpServletRequest request, String messageId, String peerId, String digest, LiaisonException refusal) {
        String claimedId = peerId == null ? null : InboundMessage.plausibleMessageId(messageId);
        audit.append(new AuditEntry(clock.instant(), AuditStep.REJECTED, claimedId, null, null,
                peerId, participantId, null, null, null, digest, refusal.code().code(), actor(request, peerId), null));
        return refusal;
    }

    /** The connection's address, and for a caller that is no participant the SHA-256 of the certificate it showed, if any. */
    private static String actor(HttpServletRequest request, String peerId) {
        String actor = "tls:" + request.getRemoteAddr();
        if (peerId == null && request.getAttribute("jakarta.servlet.request.X509Certificate") instanceof X509Certificate[] chain
                && chain.length > 0) {
            try {
                actor += " certificate:" + fr.liaison.routes.keys.Fingerprints.sha256(chain[0]);
            } catch (RuntimeException unreadable) {
                actor += " certificate:unreadable";
            }
        }
        return actor;
    }

    private static boolean isCms(String contentType) {
        try {
            return contentType != null && CMS.equalsTypeAndSubtype(MediaType.parseMediaType(contentType));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private Participant peer(HttpServletRequest request, String messageId) {
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
            // Its body is never read: the connection ends with the answer (UnreadBodyAdapter).
            throw rejected(request, messageId, null, null, refusal);
        }
    }
}
