package fr.liaison.bench.suite;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.xml.parsers.DocumentBuilderFactory;

import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.jaxws.JaxWsProxyFactoryBean;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.configuration.jsse.TLSClientParameters;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transport.servlet.CXFNonSpringServlet;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;
import org.apache.cxf.ws.security.wss4j.WSS4JInInterceptor;
import org.apache.cxf.ws.security.wss4j.WSS4JOutInterceptor;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.apache.wss4j.common.ConfigurationConstants;
import org.apache.wss4j.common.WSS4JConstants;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSPasswordCallback;
import org.w3c.dom.Element;

/**
 * One end of the WS-Security baseline, in its own JVM as each Liaison node is. {@code server}:
 * embedded Tomcat (the node's servlet container) with mutual TLS from the development PEM files
 * (client certificate required, the network CA as the only trust anchor), CXF JAX-WS, WSS4J
 * decrypting and verifying the request and signing the answer. {@code client}: as many threads as
 * requests in flight, each calling synchronously; WSS4J signs then encrypts the request and
 * verifies the answer's signature.
 *
 * <p>WS-Security as configured (WSS4J 4.0.1, as CXF 4.2.0 ships it): the request body signed with
 * the sender's ECDSA P-256 signing key (SHA-256, certificate included as a BinarySecurityToken),
 * then its content encrypted with AES-256-GCM under a key wrapped with AES-256 key wrap, the
 * wrapping key agreed by ephemeral-static ECDH P-256 with the recipient's encryption certificate
 * (XML Encryption 1.1 ECDH-ES, ConcatKDF with SHA-256): the same keys and the same algorithms as
 * Liaison's envelope. The answer is signed by the recipient, the receipt's counterpart.
 */
public final class CxfWssPeer {

    private static final String PATH = "/wss";

    private CxfWssPeer() {
    }

    /**
     * {@code server PORT CERTS_DEV SERVER_ID CLIENT_ID} or
     * {@code client PORT CERTS_DEV SERVER_ID CLIENT_ID PAYLOAD_FILE THREADS WARMUP_S ROUND_S ROUNDS HOLD_S}.
     */
    public static void main(String[] args) throws Exception {
        DevPki pki = new DevPki(Path.of(args[2]));
        int port = Integer.parseInt(args[1]);
        if ("server".equals(args[0])) {
            serve(pki, port, args[3], args[4]);
        } else {
            load(pki, port, args[3], args[4], Files.readAllBytes(Path.of(args[5])), Integer.parseInt(args[6]),
                    Duration.ofSeconds(Long.parseLong(args[7])), Integer.parseInt(args[8]), Duration.ofSeconds(Long.parseLong(args[9])));
        }
    }

    private static void serve(DevPki pki, int port, String serverId, String clientId) throws Exception {
        Path base = Files.createTempDirectory("liaison-bench-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector("org.apache.coyote.http11.Http11NioProtocol");
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        connector.setScheme("https");
        connector.setSecure(true);
        connector.setProperty("SSLEnabled", "true");
        SSLHostConfig ssl = new SSLHostConfig();
        ssl.setCertificateVerification("required");
        // The network CA as the only trust anchor (as the node's PEM bundle does).
        ssl.setTrustStore(pki.trust());
        SSLHostConfigCertificate certificate = new SSLHostConfigCertificate(ssl, SSLHostConfigCertificate.Type.UNDEFINED);
        certificate.setCertificateFile(pki.identity(serverId).resolve("tls.crt.pem").toString());
        certificate.setCertificateKeyFile(pki.identity(serverId).resolve("tls.key.pem").toString());
        ssl.addCertificate(certificate);
        connector.addSslHostConfig(ssl);
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);

        Bus bus = BusFactory.newInstance().createBus();
        BusFactory.setDefaultBus(bus);
        CXFNonSpringServlet servlet = new CXFNonSpringServlet();
        servlet.setBus(bus);
        Context context = tomcat.addContext("", base.toString());
        Wrapper wrapper = Tomcat.addServlet(context, "cxf", servlet);
        wrapper.setLoadOnStartup(1);
        context.addServletMappingDecoded("/*", "cxf");
        tomcat.start();

        JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
        factory.setBus(bus);
        factory.setServiceClass(WssExchange.class);
        factory.setServiceBean(new Recipient());
        factory.setAddress(PATH);

        Map<String, Object> in = new HashMap<>();
        in.put(ConfigurationConstants.ACTION, ConfigurationConstants.SIGNATURE + " " + ConfigurationConstants.ENCRYPTION);
        in.put(ConfigurationConstants.DEC_PROP_REF_ID, "decryptionCrypto");
        in.put("decryptionCrypto", crypto(pki.keyEntry(serverId, "encrypt"), pki.trust()));
        in.put(ConfigurationConstants.SIG_VER_PROP_REF_ID, "verificationCrypto");
        in.put("verificationCrypto", crypto(null, pki.trust()));
        in.put(ConfigurationConstants.SIG_SUBJECT_CERT_CONSTRAINTS, subject(pki, clientId));
        in.put(ConfigurationConstants.PW_CALLBACK_REF, passwords());
        in.put(ConfigurationConstants.ALLOW_RSA15_KEY_TRANSPORT_ALGORITHM, "false");
        factory.getInInterceptors().add(new WSS4JInInterceptor(in));

        Map<String, Object> out = new HashMap<>();
        out.put(ConfigurationConstants.ACTION, ConfigurationConstants.SIGNATURE);
        out.putAll(signing(pki, serverId, "answerSigningCrypto"));
        factory.getOutInterceptors().add(new WSS4JOutInterceptor(out));
        factory.create();

        System.out.println("ready");
        System.out.flush();
        tomcat.getServer().await();
    }

    private static void load(DevPki pki, int port, String serverId, String clientId, byte[] payload, int threads,
            Duration round, int rounds, Duration hold) throws Exception {
        DocumentBuilderFactory documents = DocumentBuilderFactory.newInstance();
        documents.setNamespaceAware(true);
        Element document = documents.newDocumentBuilder().parse(new ByteArrayInputStream(payload)).getDocumentElement();
        List<WssExchange> proxies = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            proxies.add(proxy(pki, port, serverId, clientId));
        }
        String answer = proxies.get(0).deliver(new WssExchange.Carrier(document));
        if (answer == null || !answer.matches("[0-9a-f]{64}")) {
            throw new IllegalStateException("the recipient did not answer a digest");
        }
        LongAdder calls = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> senders = new ArrayList<>();
        for (WssExchange proxy : proxies) {
            Element own = (Element) document.cloneNode(true);
            Thread sender = new Thread(() -> {
                while (!stop.get()) {
                    proxy.deliver(new WssExchange.Carrier(own));
                    calls.increment();
                }
            }, "wss-client");
            sender.setDaemon(true);
            sender.start();
            senders.add(sender);
        }
        // Warm-up: the orchestrator watches both JVMs' JIT and says when to measure.
        System.out.println("loaded");
        System.out.flush();
        String go = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8)).readLine();
        if (!"measure".equals(go)) {
            System.exit(1);
        }
        System.out.println("measuring");
        System.out.flush();
        for (int i = 0; i < rounds; i++) {
            long before = calls.sum();
            long start = System.nanoTime();
            Thread.sleep(round.toMillis());
            System.out.println("round " + (calls.sum() - before) / ((System.nanoTime() - start) / 1e9) + " " + (calls.sum() - before));
            System.out.flush();
        }
        // Still under load while the orchestrator takes heap figures of both ends.
        System.out.println("hold");
        System.out.flush();
        Thread.sleep(hold.toMillis());
        stop.set(true);
        for (Thread sender : senders) {
            sender.join(30_000);
        }
        // Nothing in flight: the orchestrator takes the idle heap figures.
        System.out.println("idle");
        System.out.flush();
        Thread.sleep(hold.toMillis());
        System.out.println("done");
        System.out.flush();
        System.exit(0);
    }

    private static WssExchange proxy(DevPki pki, int port, String serverId, String clientId) throws Exception {
        JaxWsProxyFactoryBean factory = new JaxWsProxyFactoryBean();
        factory.setServiceClass(WssExchange.class);
        factory.setAddress("https://127.0.0.1:" + port + PATH);
        Map<String, Object> out = new HashMap<>();
        out.put(ConfigurationConstants.ACTION, ConfigurationConstants.SIGNATURE + " " + ConfigurationConstants.ENCRYPTION);
        out.putAll(signing(pki, clientId, "requestSigningCrypto"));
        out.put(ConfigurationConstants.ENCRYPTION_USER, "recipient");
        out.put(ConfigurationConstants.ENC_PROP_REF_ID, "encryptionCrypto");
        out.put("encryptionCrypto", crypto(null, pki.trust("recipient", serverId + "/encrypt.crt.pem")));
        out.put(ConfigurationConstants.ENC_SYM_ALGO, WSS4JConstants.AES_256_GCM);
        out.put(ConfigurationConstants.ENC_KEY_TRANSPORT, WSS4JConstants.KEYWRAP_AES256);
        out.put(ConfigurationConstants.ENC_KEY_AGREEMENT_METHOD, WSS4JConstants.AGREEMENT_METHOD_ECDH_ES);
        out.put(ConfigurationConstants.ENC_KEY_DERIVATION_FUNCTION, WSS4JConstants.KEYDERIVATION_CONCATKDF);
        out.put(ConfigurationConstants.ENC_DIGEST_ALGO, WSS4JConstants.SHA256);
        out.put(ConfigurationConstants.ENC_KEY_ID, "IssuerSerial");
        factory.getOutInterceptors().add(new WSS4JOutInterceptor(out));
        Map<String, Object> in = new HashMap<>();
        in.put(ConfigurationConstants.ACTION, ConfigurationConstants.SIGNATURE);
        in.put(ConfigurationConstants.SIG_VER_PROP_REF_ID, "verificationCrypto");
        in.put("verificationCrypto", crypto(null, pki.trust()));
        in.put(ConfigurationConstants.SIG_SUBJECT_CERT_CONSTRAINTS, subject(pki, serverId));
        factory.getInInterceptors().add(new WSS4JInInterceptor(in));
        WssExchange proxy = factory.create(WssExchange.class);
        Client client = ClientProxy.getClient(proxy);
        HTTPConduit conduit = (HTTPConduit) client.getConduit();
        TLSClientParameters tls = new TLSClientParameters();
        tls.setSslContext(pki.tls(clientId));
        tls.setDisableCNCheck(false);
        conduit.setTlsClientParameters(tls);
        HTTPClientPolicy policy = new HTTPClientPolicy();
        policy.setConnectionTimeout(5_000);
        policy.setReceiveTimeout(60_000);
        conduit.setClient(policy);
        return proxy;
    }

    /** Signature settings of one end: its ECDSA P-256 signing key, SHA-256, the certificate in the message. */
    private static Map<String, Object> signing(DevPki pki, String participantId, String cryptoName) throws Exception {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConfigurationConstants.USER, "sign");
        settings.put(ConfigurationConstants.SIGNATURE_USER, "sign");
        settings.put(ConfigurationConstants.SIG_PROP_REF_ID, cryptoName);
        settings.put(cryptoName, crypto(pki.keyEntry(participantId, "sign"), pki.trust()));
        settings.put(ConfigurationConstants.SIG_KEY_ID, "DirectReference");
        settings.put(ConfigurationConstants.SIG_ALGO, WSS4JConstants.ECDSA_SHA256);
        settings.put(ConfigurationConstants.SIG_DIGEST_ALGO, WSS4JConstants.SHA256);
        settings.put(ConfigurationConstants.PW_CALLBACK_REF, passwords());
        return settings;
    }

    /** Only the expected peer's signing certificate is accepted, as Liaison accepts only the claimed sender. */
    private static String subject(DevPki pki, String participantId) {
        // WSS4J splits constraints on commas: the certificate's own common name, then anything.
        String subject = fr.liaison.routes.keys.Pem.certificate(pki.identity(participantId).resolve("sign.crt.pem"))
                .getSubjectX500Principal().getName();
        return subject.substring(0, subject.indexOf(',')).replace(".", "\\.") + "(\\x2C.*)?";
    }

    private static Merlin crypto(KeyStore keys, KeyStore trust) {
        Merlin merlin = new Merlin();
        if (keys != null) {
            merlin.setKeyStore(keys);
        }
        merlin.setTrustStore(trust);
        return merlin;
    }

    private static CallbackHandler passwords() {
        return callbacks -> {
            for (Callback callback : callbacks) {
                if (callback instanceof WSPasswordCallback password) {
                    password.setPassword(new String(DevPki.PASSWORD));
                }
            }
        };
    }

    /** The recipient: answers the SHA-256 of the document's text, as a receipt names what was received. */
    @jakarta.jws.WebService(endpointInterface = "fr.liaison.bench.suite.WssExchange", targetNamespace = "urn:liaison:bench:wss",
            serviceName = "DocumentExchangeService", portName = "DocumentExchangePort")
    public static final class Recipient implements WssExchange {

        @Override
        public String deliver(Carrier envelope) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(envelope.document.getTextContent().getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
