package fr.liaison.gateway.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of one node, under {@code liaison.*}. {@code liaison node --participant ID} fills
 * development defaults from {@code certs-dev} and the signed directory; every value can be
 * overridden as a Spring property.
 *
 * @param participantId the participant this node is, as the directory names it (e.g. FT-29)
 * @param workDir where the node keeps its database, broker journal and generated secrets
 * @param keys where the node's keys come from
 * @param directory the signed participant directory and its trust anchors
 * @param localApi the listener for the institution's own software (plain HTTP, loopback by default)
 * @param localClients the credentials of the institution's software
 * @param officers the security officers of this node
 * @param webhook where received messages are pushed; absent: they wait in the inbox
 * @param replayWindow how far from now an envelope's signing time may be, either way (a message's
 *     creation time may not be further in the future); older envelopes are refused as stale
 * @param retry delivery retries towards peer nodes and the webhook
 * @param maxEnvelopeBytes largest envelope accepted from another node, refused before it is read
 * @param exchangeConnectionTimeout how long the inter-node listener waits for each part of a
 *     connection (TLS handshake, request headers, each piece of the body) before closing it
 * @param minimisation what each kind of recipient may not receive, overriding the defaults
 * @param audit the audit chain's checkpoints and batching, and payload retention
 */
@ConfigurationProperties("liaison")
public record LiaisonProperties(String participantId, Path workDir, Keys keys, DirectorySource directory, LocalApi localApi,
        List<LocalClient> localClients, List<Officer> officers, Webhook webhook, @DefaultValue("PT10M") Duration replayWindow,
        @DefaultValue Retry retry, @DefaultValue("16777216") int maxEnvelopeBytes,
        @DefaultValue("PT20S") Duration exchangeConnectionTimeout, Map<String, Minimisation> minimisation,
        @DefaultValue Audit audit) {

    /** Values a node cannot run on are refused at start, naming the property, rather than failing every request later. */
    public LiaisonProperties {
        atLeast("liaison.max-envelope-bytes", maxEnvelopeBytes, 1024);
        atMost("liaison.max-envelope-bytes", maxEnvelopeBytes, MAX_BYTES);
        positive("liaison.replay-window", replayWindow);
        positive("liaison.exchange-connection-timeout", exchangeConnectionTimeout);
    }

    static void atLeast(String property, long value, long minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(property + " must be at least " + minimum + ", not " + value);
        }
    }

    /** Sizes are held in memory whole: a gigabyte is far beyond any message and keeps the arithmetic on them safe. */
    static final int MAX_BYTES = 1 << 30;

    static void atMost(String property, long value, long maximum) {
        if (value > maximum) {
            throw new IllegalArgumentException(property + " must be at most " + maximum + ", not " + value);
        }
    }

    static void positive(String property, Duration value) {
        if (value != null && (value.isNegative() || value.isZero())) {
            throw new IllegalArgumentException(property + " must be a positive duration, not " + value);
        }
    }

    /**
     * A security officer, who reads the audit log (role OFFICER); never a local client.
     *
     * @param username the login
     * @param passwordFile a file holding the password (development: certs-dev/ID/officer.password)
     * @param password the password itself, when not in a file
     */
    public record Officer(String username, Path passwordFile, String password) {
    }

    /**
     * @param checkpointEvery the node signs the chain head after this many entries
     * @param checkpointInterval and at least this often while entries are appended
     * @param batchSize most entries appended in one transaction (group commit)
     * @param payloadRetention how long delivered payloads are kept (the audit log keeps no payload)
     */
    public record Audit(@DefaultValue("1000") int checkpointEvery, @DefaultValue("PT1M") Duration checkpointInterval,
            @DefaultValue("256") int batchSize, @DefaultValue("P90D") Duration payloadRetention) {

        public Audit {
            atLeast("liaison.audit.checkpoint-every", checkpointEvery, 1);
            atLeast("liaison.audit.batch-size", batchSize, 1);
            positive("liaison.audit.checkpoint-interval", checkpointInterval);
            positive("liaison.audit.payload-retention", payloadRetention);
        }
    }

    /**
     * @param certsDev development keys, read from {@code <certsDev>/<participantId>/}
     * @param keystore a PKCS#12 keystore with entries {@code sign}, {@code encrypt}, {@code tls}, instead
     * @param keystorePassword its password (from the environment, never committed)
     */
    public record Keys(Path certsDev, Path keystore, String keystorePassword) {
    }

    /**
     * @param file the signed directory (CMS SignedData of the directory JSON) read at start-up
     * @param operatorCertificate the network operator's certificate, which must have signed it
     * @param caCertificate the network CA
     * @param url where the network operator publishes the signed directory (https:, http: or file:);
     *     absent: {@code file} is read again at each refresh
     * @param refreshInterval how often the published directory is fetched
     * @param maxAge readiness goes down when the directory in force was issued longer ago than this;
     *     absent: no limit
     * @param publicationTrust which server certificates an {@code https:} {@code url} may present
     */
    public record DirectorySource(Path file, Path operatorCertificate, Path caCertificate, java.net.URI url,
            @DefaultValue("PT5M") Duration refreshInterval, Duration maxAge, @DefaultValue PublicationTrust publicationTrust) {

        public DirectorySource {
            publicationTrust = publicationTrust == null ? new PublicationTrust(true, null, false) : publicationTrust;
        }
    }

    /**
     * The CAs trusted to issue the TLS server certificate of the directory's publication (an
     * {@code https:} {@code liaison.directory.url}). The directory's own signature is checked
     * whatever the TLS trust; this only decides which servers the node talks to.
     *
     * @param networkCa whether the network CA ({@code liaison.directory.ca-certificate}) is trusted
     * @param file a PEM file of further CA certificates to trust (one or more), e.g. the CA of the
     *     operator's web server; absent: none
     * @param systemCas whether the JVM's default trust store (public CAs) is trusted as well
     */
    public record PublicationTrust(@DefaultValue("true") boolean networkCa, Path file, boolean systemCas) {
    }

    /**
     * @param address the address to listen on
     * @param port the port
     * @param maxBodyBytes largest request body accepted, refused before it is read: a message of the
     *     1 MiB message limit with room for its SOAP wrapping
     * @param connectionTimeout how long the listener waits for each part of a request (its headers,
     *     each piece of its body) before closing the connection, so slow clients cannot hold it
     * @param maxUnauthenticatedBodyReads how many bodies that must be read before their sender is
     *     known (forms: the officers' login and pages; SOAP calls without a bearer token, whose
     *     UsernameToken is in the envelope) are read at once; one more is refused at once with
     *     {@code GW-API-014}, so that such bodies sent slowly cannot hold every thread of the listener
     * @param publicUrl the listener's address as the institution's software reaches it, when that is
     *     not the address it connects to: behind a reverse proxy that terminates TLS, e.g.
     *     {@code https://liaison.cd29.example/}. The WSDL served at {@code /soap/v1/gateway?wsdl} then
     *     names the SOAP service and its schema under it. Absent: the scheme, host and port the request
     *     came with (forwarding headers are never trusted)
     */
    public record LocalApi(@DefaultValue("127.0.0.1") String address, int port, @DefaultValue("2097152") int maxBodyBytes,
            @DefaultValue("PT20S") Duration connectionTimeout, @DefaultValue("16") int maxUnauthenticatedBodyReads, URI publicUrl) {

        public LocalApi {
            atLeast("liaison.local-api.max-body-bytes", maxBodyBytes, 1024);
            atMost("liaison.local-api.max-body-bytes", maxBodyBytes, MAX_BYTES);
            atLeast("liaison.local-api.max-unauthenticated-body-reads", maxUnauthenticatedBodyReads, 1);
            positive("liaison.local-api.connection-timeout", connectionTimeout);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("liaison.local-api.port must be a TCP port (0 to 65535), not " + port);
            }
            if (publicUrl != null && (!publicUrl.isAbsolute() || publicUrl.getHost() == null
                    || !"http".equals(publicUrl.getScheme()) && !"https".equals(publicUrl.getScheme())
                    || publicUrl.getQuery() != null || publicUrl.getFragment() != null)) {
                throw new IllegalArgumentException("liaison.local-api.public-url must be an http or https URL without query: " + publicUrl);
            }
        }

        /** Where the SOAP service is published under {@link #publicUrl()}, or null without one. */
        public String publishedSoapUrl(String servicePath) {
            if (publicUrl == null) {
                return null;
            }
            String base = publicUrl.toString();
            return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + servicePath;
        }
    }

    /**
     * @param name shown in the audit log as the actor
     * @param tokenFile a file holding the bearer token (development: certs-dev/ID/local-client.token)
     * @param token the bearer token itself, when not in a file
     */
    public record LocalClient(String name, Path tokenFile, String token) {
    }

    /**
     * @param url the local software's endpoint receiving each delivered message
     * @param secret the shared secret of the HMAC-SHA-256 signature header
     */
    public record Webhook(URI url, String secret) {

        public Webhook {
            if (url != null && (!url.isAbsolute() || url.getHost() == null
                    || !"http".equals(url.getScheme()) && !"https".equals(url.getScheme()))) {
                // Not quoted: a URL may carry credentials.
                throw new IllegalArgumentException("liaison.webhook.url must be an http or https URL with a host");
            }
        }
    }

    /**
     * Delivery tries towards peer nodes (kept in the broker's journal between tries) and the webhook.
     *
     * @param peerAttempts tries towards a peer node, the first included, before the message is dead-lettered
     * @param initialDelay delay before the second try, doubling each time; each delay is drawn between
     *     half and all of it
     * @param maximumDelay longest delay between two tries (the webhook is tried with the same delays, without end)
     * @param peers a peer's own settings, by participant id; what it leaves out comes from the above
     */
    public record Retry(@DefaultValue("16") int peerAttempts, @DefaultValue("PT2S") Duration initialDelay,
            @DefaultValue("PT15M") Duration maximumDelay, Map<String, PeerRetry> peers) {

        public Retry {
            positive("liaison.retry.initial-delay", initialDelay);
            positive("liaison.retry.maximum-delay", maximumDelay);
            atLeast("liaison.retry.peer-attempts", peerAttempts, 1);
            if (initialDelay != null && maximumDelay != null && initialDelay.compareTo(maximumDelay) > 0) {
                throw new IllegalArgumentException("liaison.retry.initial-delay must be at most liaison.retry.maximum-delay, not "
                        + initialDelay + " > " + maximumDelay);
            }
            peers = peers == null ? Map.of() : Map.copyOf(peers);
        }
    }

    /**
     * @param peerAttempts tries towards this peer, the first included
     * @param initialDelay delay before the second try
     * @param maximumDelay longest delay between two tries
     */
    public record PeerRetry(Integer peerAttempts, Duration initialDelay, Duration maximumDelay) {
    }

    /**
     * @param removedCategories data categories this kind of recipient never receives
     * @param removeFreeTextDetails whether barrier free-text details are removed
     */
    public record Minimisation(Set<String> removedCategories, boolean removeFreeTextDetails) {
    }
}
