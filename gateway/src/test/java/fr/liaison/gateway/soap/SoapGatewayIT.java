package fr.liaison.gateway.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import fr.liaison.gateway.cli.SampleMessages;
import fr.liaison.gateway.ops.TestNode;
import fr.liaison.gateway.soap.v1.AcknowledgeMessage;
import fr.liaison.gateway.soap.v1.FetchMessage;
import fr.liaison.gateway.soap.v1.GetMessageStatus;
import fr.liaison.gateway.soap.v1.GetMessageStatusResponse;
import fr.liaison.gateway.soap.v1.InboxEntry;
import fr.liaison.gateway.soap.v1.LiaisonFault;
import fr.liaison.gateway.soap.v1.LiaisonGatewayPortType;
import fr.liaison.gateway.soap.v1.LiaisonGatewayService;
import fr.liaison.gateway.soap.v1.ListInbox;
import fr.liaison.gateway.soap.v1.RecordConsent;
import fr.liaison.gateway.soap.v1.RecordConsentResponse;
import fr.liaison.gateway.soap.v1.RevokeConsent;
import fr.liaison.gateway.soap.v1.RevokeConsentResponse;
import fr.liaison.gateway.soap.v1.SubmitMessage;
import fr.liaison.gateway.soap.v1.SubmitMessageResponse;
import fr.liaison.schemas.v1.DataCategory;
import fr.liaison.schemas.v1.SharedDiagnosis;

import jakarta.xml.ws.BindingProvider;
import jakarta.xml.ws.WebServiceException;
import jakarta.xml.ws.handler.MessageContext;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.w3c.dom.Element;

/**
 * The SOAP service of two real nodes, FT-17 and CD-17, exchanging over mutual TLS: a client
 * generated from the committed WSDL drives consent, submission, status, inbox, fetch and
 * acknowledgement; raw SOAP 1.1 and 1.2 requests over plain java.net.http work without CXF on the
 * client side; refusals, malformed envelopes and missing credentials are faults with their code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SoapGatewayIT {

    private static final List<DataCategory> DIAGNOSIS_CATEGORIES = List.of(DataCategory.EMPLOYMENT_SITUATION,
            DataCategory.BARRIER_MOBILITE, DataCategory.BARRIER_SANTE, DataCategory.BARRIER_LOGEMENT, DataCategory.HEALTH_DETAIL);
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final String SOAP12 = "http://www.w3.org/2003/05/soap-envelope";
    private static final String PUBLIC_URL = "https://liaison.cd17.example/";

    private final SampleMessages samples = new SampleMessages(TestNode.SAMPLES, Clock.systemUTC());

    private TestNode ft;
    private TestNode cd;

    @BeforeAll
    void startNodes() {
        TestNode.requireFreePorts(8443, 8444);
        ft = TestNode.start("FT-17", "soap", 11, Map.of());
        // CD-17 as behind a reverse proxy that terminates TLS under another name.
        cd = TestNode.start("CD-17", "soap", 12, Map.of("liaison.local-api.public-url", PUBLIC_URL));
    }

    @AfterAll
    void stopNodes() {
        for (TestNode node : new TestNode[] {cd, ft}) {
            if (node != null) {
                node.close();
            }
        }
    }

    @Test
    void generatedClientRecordsConsentSubmitsFollowsStatusAndReadsTheRecipientsInbox() throws Exception {
        LiaisonGatewayPortType franceTravail = client(ft, ft.token);
        LiaisonGatewayPortType departement = client(cd, cd.token);

        String consentId = recordConsent(franceTravail);
        SampleMessages.Fresh diagnosis = samples.message("shared-diagnosis.xml", "FT-17", "CD-17", consentId, null);
        SubmitMessage submit = new SubmitMessage();
        submit.setAny(element(diagnosis.xml()));
        SubmitMessageResponse accepted = franceTravail.submitMessage(submit);
        assertThat(accepted.getMessageId()).isEqualTo(diagnosis.messageId());
        assertThat(accepted.getStatus()).isEqualTo("ACCEPTED");

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(status(franceTravail, diagnosis.messageId()).getStatus()).isEqualTo("DELIVERED"));
        GetMessageStatusResponse sent = status(franceTravail, diagnosis.messageId());
        assertThat(sent.getDirection()).isEqualTo("OUTBOUND");
        assertThat(sent.getRecipient()).isEqualTo("CD-17");
        assertThat(sent.getStep()).extracting(s -> s.getStep()).contains("ACCEPTED", "DELIVERED");

        InboxEntry entry = await().atMost(PATIENCE).until(() -> inboxEntry(departement, diagnosis.messageId()), e -> e != null);
        assertThat(entry.getMessageType()).isEqualTo("SHARED_DIAGNOSIS");
        assertThat(entry.getSender()).isEqualTo("FT-17");

        FetchMessage fetch = new FetchMessage();
        fetch.setMessageId(diagnosis.messageId());
        // The generated client binds the message to the existing JAXB model of liaison-schemas.
        Object fetched = departement.fetchMessage(fetch).getAny();
        assertThat(fetched).isInstanceOf(SharedDiagnosis.class);
        assertThat(((SharedDiagnosis) fetched).getHeader().getMessageId()).isEqualTo(diagnosis.messageId());
        assertThat(((SharedDiagnosis) fetched).getHealthDetail()).isNotBlank(); // a departement keeps what the consent covers

        AcknowledgeMessage ack = new AcknowledgeMessage();
        ack.setMessageId(diagnosis.messageId());
        departement.acknowledgeMessage(ack);
        assertThat(inboxEntry(departement, diagnosis.messageId())).isNull();
        assertThat(status(departement, diagnosis.messageId()).getStatus()).isEqualTo("DELIVERED");
        LiaisonFault again = catchThrowableOfType(LiaisonFault.class, () -> departement.acknowledgeMessage(ack));
        assertThat(again.getFaultInfo().getCode()).isEqualTo("GW-API-003");
    }

    @Test
    void refusalsAreFaultsCarryingTheCatalogueCode() throws Exception {
        LiaisonGatewayPortType franceTravail = client(ft, ft.token);

        SubmitMessage withoutConsent = new SubmitMessage();
        withoutConsent.setAny(element(samples.message("shared-diagnosis.xml", "FT-17", "CD-17", UUID.randomUUID().toString(), null).xml()));
        LiaisonFault noConsent = catchThrowableOfType(LiaisonFault.class, () -> franceTravail.submitMessage(withoutConsent));
        assertThat(noConsent.getFaultInfo().getCode()).isEqualTo("GW-CONSENT-001");
        assertThat(noConsent.getFaultInfo().getTitle()).isNotBlank();

        String consentId = recordConsent(franceTravail);
        // Raw SOAP: the message as the client wrote it, with an element the schema does not know.
        String message = new String(samples.message("shared-diagnosis.xml", "FT-17", "CD-17", consentId, null).xml(), StandardCharsets.UTF_8)
                .replaceFirst("<\\?xml[^>]*\\?>", "").replaceFirst("<((\\w+:)?)purpose>", "<$1unknownElement>x</$1unknownElement><$1purpose>");
        assertThat(message).contains("unknownElement>");
        HttpResponse<byte[]> schema = ft.send(ft.authorized("/soap/v1/gateway").header("Content-Type", "text/xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString("<s:Envelope xmlns:s=\"" + SOAP11 + "\"><s:Body><g:SubmitMessage xmlns:g=\"urn:liaison:gateway:v1\">"
                        + message + "</g:SubmitMessage></s:Body></s:Envelope>")));
        String schemaFault = new String(schema.body(), StandardCharsets.UTF_8);
        assertThat(schemaFault).containsPattern("<(\\w+:)?faultcode>\\w+:Client<").contains("GW-SCHEMA-001</").contains("unknownElement").doesNotContain("0451827K");

        GetMessageStatus unknown = new GetMessageStatus();
        unknown.setMessageId(UUID.randomUUID().toString());
        assertThat(catchThrowableOfType(LiaisonFault.class, () -> franceTravail.getMessageStatus(unknown)).getFaultInfo().getCode())
                .isEqualTo("GW-API-003");

        RevokeConsent revoke = new RevokeConsent();
        revoke.setConsentId(consentId);
        revoke.setReason("withdrawn by the person");
        RevokeConsentResponse revoked = franceTravail.revokeConsent(revoke);
        assertThat(revoked.getConsent().getRevokedAt()).isNotNull();
        assertThat(revoked.getRevocationsSent()).isZero();
        SubmitMessage underRevoked = new SubmitMessage();
        underRevoked.setAny(element(samples.message("shared-diagnosis.xml", "FT-17", "CD-17", consentId, null).xml()));
        assertThat(catchThrowableOfType(LiaisonFault.class, () -> franceTravail.submitMessage(underRevoked)).getFaultInfo().getCode())
                .isEqualTo("GW-CONSENT-003");
    }

    @Test
    void rawSoap11RequestWithUsernameTokenWorksWithoutCxfOnTheClientSide() throws Exception {
        String envelope = """
                <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:g="urn:liaison:gateway:v1">
                  <soapenv:Header>
                    <wsse:Security soapenv:mustUnderstand="1" xmlns:wsse="%s">
                      <wsse:UsernameToken>
                        <wsse:Username>%s</wsse:Username>
                        <wsse:Password Type="%s">%s</wsse:Password>
                      </wsse:UsernameToken>
                    </wsse:Security>
                  </soapenv:Header>
                  <soapenv:Body><g:ListInbox><g:limit>10</g:limit></g:ListInbox></soapenv:Body>
                </soapenv:Envelope>
                """.formatted(SoapAuthentication.WSSE, cd.clientName, SoapAuthentication.PASSWORD_TEXT, cd.token);
        HttpResponse<byte[]> answer = cd.send(cd.anonymous("/soap/v1/gateway")
                .header("Content-Type", "text/xml; charset=UTF-8").header("SOAPAction", "\"urn:liaison:gateway:v1:ListInbox\"")
                .POST(HttpRequest.BodyPublishers.ofString(envelope)));
        String body = new String(answer.body(), StandardCharsets.UTF_8);
        assertThat(answer.statusCode()).as(body).isEqualTo(200);
        Element root = element(answer.body());
        assertThat(root.getNamespaceURI()).isEqualTo(SOAP11);
        assertThat(root.getElementsByTagNameNS("urn:liaison:gateway:v1", "ListInboxResponse").getLength()).isEqualTo(1);
    }

    @Test
    void rawSoap12RequestWithBearerTokenIsAnsweredInSoap12() throws Exception {
        String consentId = recordConsent(client(ft, ft.token));
        String envelope = """
                <env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:g="urn:liaison:gateway:v1">
                  <env:Body><g:RevokeConsent><g:consentId>%s</g:consentId></g:RevokeConsent></env:Body>
                </env:Envelope>
                """.formatted(consentId);
        HttpResponse<byte[]> answer = ft.send(ft.authorized("/soap/v1/gateway")
                .header("Content-Type", "application/soap+xml; charset=UTF-8; action=\"urn:liaison:gateway:v1:RevokeConsent\"")
                .POST(HttpRequest.BodyPublishers.ofString(envelope)));
        String body = new String(answer.body(), StandardCharsets.UTF_8);
        assertThat(answer.statusCode()).as(body).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/soap+xml"));
        Element root = element(answer.body());
        assertThat(root.getNamespaceURI()).isEqualTo(SOAP12);
        assertThat(root.getElementsByTagNameNS("urn:liaison:gateway:v1", "revokedAt").getLength()).isEqualTo(1);
    }

    @Test
    void malformedEnvelopeGetsAFaultWithItsCodeAndNoStackTrace() throws Exception {
        HttpResponse<byte[]> answer = ft.send(ft.authorized("/soap/v1/gateway").header("Content-Type", "text/xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString("<soapenv:Envelope xmlns:soapenv=\"" + SOAP11 + "\"><soapenv:Body><g:ListInbox")));
        String body = new String(answer.body(), StandardCharsets.UTF_8);
        assertThat(answer.statusCode()).as(body).isBetween(400, 500);
        assertThat(body).contains(SOAP11).contains("Fault").contains("GW-XML-001")
                .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("org.apache");

        HttpResponse<byte[]> notSoap = ft.send(ft.authorized("/soap/v1/gateway").header("Content-Type", "text/xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString("<g:ListInbox xmlns:g=\"urn:liaison:gateway:v1\"/>")));
        String notSoapBody = new String(notSoap.body(), StandardCharsets.UTF_8);
        assertThat(notSoap.statusCode()).as(notSoapBody).isBetween(400, 500);
        assertThat(notSoapBody).contains("Fault").containsPattern("GW-[A-Z]+-\\d{3}").doesNotContain("Exception");
    }

    @Test
    void aSoap12RefusalIsASenderFaultWithStatus400() throws Exception {
        String envelope = "<env:Envelope xmlns:env=\"" + SOAP12 + "\"><env:Body><g:GetMessageStatus xmlns:g=\"urn:liaison:gateway:v1\">"
                + "<g:messageId>" + UUID.randomUUID() + "</g:messageId></g:GetMessageStatus></env:Body></env:Envelope>";
        HttpResponse<byte[]> answer = ft.send(ft.authorized("/soap/v1/gateway")
                .header("Content-Type", "application/soap+xml; charset=UTF-8; action=\"urn:liaison:gateway:v1:GetMessageStatus\"")
                .POST(HttpRequest.BodyPublishers.ofString(envelope)));
        String body = new String(answer.body(), StandardCharsets.UTF_8);
        assertThat(answer.statusCode()).as("SOAP 1.2 part 2, 7.5.2.2: " + body).isEqualTo(400);
        Element root = element(answer.body());
        assertThat(root.getNamespaceURI()).isEqualTo(SOAP12);
        assertThat(root.getElementsByTagNameNS(SOAP12, "Value").item(0).getTextContent()).endsWith(":Sender");
        assertThat(root.getElementsByTagNameNS("urn:liaison:gateway:v1", "code").item(0).getTextContent()).isEqualTo("GW-API-003");
        // The code as the Subcode too, a qualified name in the gateway's namespace, for toolkits that show only the codes.
        Element subcode = (Element) root.getElementsByTagNameNS(SOAP12, "Subcode").item(0);
        assertThat(subcode).as(body).isNotNull();
        String value = subcode.getElementsByTagNameNS(SOAP12, "Value").item(0).getTextContent();
        assertThat(value).endsWith(":GW-API-003");
        assertThat(subcode.lookupNamespaceURI(value.substring(0, value.indexOf(':')))).isEqualTo("urn:liaison:gateway:v1");
        // A fault of the node's own making (a body that is not XML) carries its code the same way.
        HttpResponse<byte[]> notXml = ft.send(ft.authorized("/soap/v1/gateway").header("Content-Type", "application/soap+xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString("not xml")));
        assertThat(new String(notXml.body(), StandardCharsets.UTF_8)).contains(":GW-XML-001</").contains("Subcode");
    }

    /** What a client got wrong at the SOAP level is a Client fault it can correct, never the node's failure to retry. */
    @Test
    void requestsNamingNoOperationOrAnUnknownMandatoryHeaderAreClientFaults() throws Exception {
        String unknownOperation = "<s:Envelope xmlns:s=\"" + SOAP11 + "\"><s:Body><g:Nope xmlns:g=\"urn:liaison:gateway:v1\"/></s:Body></s:Envelope>";
        assertSoap11Fault(soap11(unknownOperation, "\"urn:liaison:gateway:v1:ListInbox\""), "Client", "GW-API-012");
        String emptyBody = "<s:Envelope xmlns:s=\"" + SOAP11 + "\"><s:Body/></s:Envelope>";
        assertSoap11Fault(soap11(emptyBody, ""), "Client", "GW-API-012");
        String mustUnderstand = "<s:Envelope xmlns:s=\"" + SOAP11 + "\"><s:Header><x:Trace s:mustUnderstand=\"1\" xmlns:x=\"urn:example\"/>"
                + "</s:Header><s:Body><g:ListInbox xmlns:g=\"urn:liaison:gateway:v1\"/></s:Body></s:Envelope>";
        assertSoap11Fault(soap11(mustUnderstand, "\"urn:liaison:gateway:v1:ListInbox\""), "MustUnderstand", "GW-API-012");
        // A parameter in no namespace (the WSDL's are qualified) is said to be missing, not "message not found".
        String unqualified = "<s:Envelope xmlns:s=\"" + SOAP11 + "\"><s:Body><g:GetMessageStatus xmlns:g=\"urn:liaison:gateway:v1\">"
                + "<messageId>" + UUID.randomUUID() + "</messageId></g:GetMessageStatus></s:Body></s:Envelope>";
        assertSoap11Fault(soap11(unqualified, "\"urn:liaison:gateway:v1:GetMessageStatus\""), "Client", "GW-API-009");
        // What the client sent wrong is said, without quoting it.
        assertThat(detailOf(soap11(unknownOperation, "\"urn:liaison:gateway:v1:ListInbox\""))).isNotBlank().doesNotContain("Nope");
        // An Envelope without a Body, with or without a Header or a credential, in either version.
        String noBody = "<s:Envelope xmlns:s=\"" + SOAP11 + "\"></s:Envelope>";
        assertSoap11Fault(soap11(noBody, ""), "Client", "GW-API-012");
        assertThat(detailOf(soap11(noBody, ""))).contains("no Body");
        assertSoap11Fault(soap11("<s:Envelope xmlns:s=\"" + SOAP11 + "\"><s:Header/></s:Envelope>", ""), "Client", "GW-API-012");
        assertSoap11Fault(cd.send(cd.anonymous("/soap/v1/gateway").header("Content-Type", "text/xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(noBody))), "Client", "GW-API-012");
        HttpResponse<byte[]> noBody12 = cd.send(cd.authorized("/soap/v1/gateway").header("Content-Type", "application/soap+xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString("<e:Envelope xmlns:e=\"" + SOAP12 + "\"><e:Header/></e:Envelope>")));
        assertThat(noBody12.statusCode()).isEqualTo(400);
        assertThat(element(noBody12.body()).getElementsByTagNameNS(SOAP12, "Value").item(0).getTextContent()).endsWith(":Sender");
        // Refused before the envelope is read: answered in the version the Content-Type declares.
        String doctype = "<!DOCTYPE s:Envelope [<!ENTITY x \"y\">]>" + emptyBody;
        assertSoap11Fault(soap11(doctype, ""), "Client", "GW-XML-002");
    }

    /** WS-I Basic Profile R1113: a Content-Type neither binding takes is a 415, its fault a SOAP 1.1 Client fault. */
    @Test
    void aContentTypeNeitherBindingTakesIs415() throws Exception {
        String envelope = "<s:Envelope xmlns:s=\"" + SOAP11 + "\"><s:Body><g:ListInbox xmlns:g=\"urn:liaison:gateway:v1\"/></s:Body></s:Envelope>";
        for (String type : new String[] {"application/json", "application/xml", "text/plain; charset=UTF-8"}) {
            HttpResponse<byte[]> answer = cd.send(cd.authorized("/soap/v1/gateway").header("Content-Type", type)
                    .header("SOAPAction", "\"urn:liaison:gateway:v1:ListInbox\"").POST(HttpRequest.BodyPublishers.ofString(envelope)));
            assertThat(answer.statusCode()).as(type).isEqualTo(415);
            assertSoap11Fault(answer, "Client", "GW-API-004");
        }
        assertThat(soap11(envelope, "\"urn:liaison:gateway:v1:ListInbox\"").statusCode()).isEqualTo(200);
    }

    /** What strict and non-CXF toolkits send or expect, each answered as a SOAP client reads it. */
    @Test
    void toolkitsConventionsAreMet() throws Exception {
        String listInbox = "<s:Envelope xmlns:s=\"" + SOAP11 + "\"><s:Body><g:ListInbox xmlns:g=\"urn:liaison:gateway:v1\"/></s:Body></s:Envelope>";
        // HTTP Basic with the client's name and token, as many toolkits send it; the WSDL is served whatever the credential.
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString((cd.clientName + ":" + cd.token).getBytes(StandardCharsets.UTF_8));
        assertThat(cd.send(cd.anonymous("/soap/v1/gateway").header("Authorization", basic).header("Content-Type", "text/xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(listInbox))).statusCode()).isEqualTo(200);
        String wrongBasic = "Basic " + java.util.Base64.getEncoder().encodeToString("officer:nope".getBytes(StandardCharsets.UTF_8));
        assertThat(cd.send(cd.anonymous("/soap/v1/gateway?wsdl").header("Authorization", wrongBasic).GET()).statusCode()).isEqualTo(200);
        assertSoap11Fault(cd.send(cd.anonymous("/soap/v1/gateway").header("Authorization", wrongBasic)
                .header("Content-Type", "text/xml; charset=UTF-8").POST(HttpRequest.BodyPublishers.ofString(listInbox))), "Client", "GW-API-001");

        // A parameter the WSDL does not allow is refused, never read as "no parameter".
        String badLimit = listInbox.replace("<g:ListInbox xmlns:g=\"urn:liaison:gateway:v1\"/>",
                "<g:ListInbox xmlns:g=\"urn:liaison:gateway:v1\"><g:limit>abc</g:limit></g:ListInbox>");
        assertSoap11Fault(soap11(badLimit, "\"urn:liaison:gateway:v1:ListInbox\""), "Client", "GW-API-009");
        String tooLongReason = "<s:Envelope xmlns:s=\"" + SOAP11 + "\"><s:Body><g:RevokeConsent xmlns:g=\"urn:liaison:gateway:v1\"><g:consentId>"
                + UUID.randomUUID() + "</g:consentId><g:reason>" + "x".repeat(501) + "</g:reason></g:RevokeConsent></s:Body></s:Envelope>";
        assertSoap11Fault(soap11(tooLongReason, "\"urn:liaison:gateway:v1:RevokeConsent\""), "Client", "GW-API-009");

        // SOAP 1.2 VersionMismatch is named in SOAP 1.2 (part 1, 5.4.6).
        HttpResponse<byte[]> mismatch = cd.send(cd.authorized("/soap/v1/gateway").header("Content-Type", "application/soap+xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString("<e:Envelope xmlns:e=\"urn:bogus\"><e:Body/></e:Envelope>")));
        Element mismatchFault = element(mismatch.body());
        assertThat(mismatchFault.getNamespaceURI()).isEqualTo(SOAP12);
        assertThat(mismatchFault.getElementsByTagNameNS(SOAP12, "Value").item(0).getTextContent()).endsWith(":VersionMismatch");

        // The answer is UTF-8, whatever charset the request came in.
        HttpResponse<byte[]> latin1 = cd.send(cd.authorized("/soap/v1/gateway").header("Content-Type", "text/xml; charset=ISO-8859-1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(listInbox.getBytes(StandardCharsets.ISO_8859_1))));
        assertThat(latin1.statusCode()).isEqualTo(200);
        assertThat(latin1.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).containsIgnoringCase("charset=UTF-8"));

        // Addresses, methods and charsets CXF would answer with HTML, a 500 or a stack trace in the log.
        HttpResponse<byte[]> elsewhere = cd.send(cd.authorized("/soap/v2/gateway").header("Content-Type", "text/xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(listInbox)));
        assertThat(elsewhere.statusCode()).isEqualTo(404);
        assertThat(element(elsewhere.body()).getElementsByTagNameNS("urn:liaison:gateway:v1", "code").item(0).getTextContent())
                .isEqualTo("GW-API-003");
        HttpResponse<byte[]> get = cd.send(cd.authorized("/soap/v1/gateway").GET());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(cd.send(cd.anonymous("/soap/v1/gateway?xsd=nothing.xsd").GET()).statusCode()).isEqualTo(404);
        HttpResponse<byte[]> charset = cd.send(cd.authorized("/soap/v1/gateway").header("Content-Type", "text/xml; charset=x-unknown")
                .POST(HttpRequest.BodyPublishers.ofString(listInbox)));
        assertThat(charset.statusCode()).isEqualTo(415);
        assertThat(element(charset.body()).getElementsByTagNameNS("urn:liaison:gateway:v1", "code").item(0).getTextContent())
                .isEqualTo("GW-API-004");
        // An empty Body, with or without a SOAPAction, names no operation: the client's to correct.
        String emptyBody = "<s:Envelope xmlns:s=\"" + SOAP11 + "\"><s:Body/></s:Envelope>";
        assertSoap11Fault(cd.send(cd.authorized("/soap/v1/gateway").header("Content-Type", "text/xml")
                .POST(HttpRequest.BodyPublishers.ofString(emptyBody))), "Client", "GW-API-012");
        assertSoap11Fault(soap11(emptyBody, "\"urn:liaison:gateway:v1:ListInbox\""), "Client", "GW-API-012");
        HttpResponse<byte[]> empty12 = cd.send(cd.authorized("/soap/v1/gateway")
                .header("Content-Type", "application/soap+xml; charset=UTF-8; action=\"urn:liaison:gateway:v1:ListInbox\"")
                .POST(HttpRequest.BodyPublishers.ofString("<e:Envelope xmlns:e=\"" + SOAP12 + "\"><e:Body/></e:Envelope>")));
        assertThat(empty12.statusCode()).isEqualTo(400);
        assertThat(element(empty12.body()).getElementsByTagNameNS("urn:liaison:gateway:v1", "code").item(0).getTextContent())
                .isEqualTo("GW-API-012");
    }

    @Test
    void aRequestOverTheSizeLimitIsAFaultInItsOwnSoapVersion() throws Exception {
        String big = "<s:Envelope xmlns:s=\"" + SOAP11 + "\"><s:Body><g:ListInbox xmlns:g=\"urn:liaison:gateway:v1\"/><!--"
                + "x".repeat(3 * 1024 * 1024) + "--></s:Body></s:Envelope>";
        HttpResponse<byte[]> answer = soap11(big, "\"urn:liaison:gateway:v1:ListInbox\"");
        assertThat(answer.statusCode()).isEqualTo(413);
        assertSoap11Fault(answer, "Client", "GW-XML-003");
    }

    /** WS-Security 1.1 (10): an expired request is refused, whatever its credential; a fresh one passes. */
    @Test
    void aSecurityHeaderTimestampIsHonoured() throws Exception {
        String template = """
                <s:Envelope xmlns:s="%s"><s:Header><wsse:Security s:mustUnderstand="1" xmlns:wsse="%s" xmlns:wsu="%s">
                <wsu:Timestamp><wsu:Created>%s</wsu:Created><wsu:Expires>%s</wsu:Expires></wsu:Timestamp>
                <wsse:UsernameToken><wsse:Username>%s</wsse:Username><wsse:Password Type="%s">%s</wsse:Password></wsse:UsernameToken>
                </wsse:Security></s:Header><s:Body><g:ListInbox xmlns:g="urn:liaison:gateway:v1"/></s:Body></s:Envelope>
                """;
        java.time.Instant now = java.time.Instant.now();
        java.util.function.BiFunction<java.time.Instant, java.time.Instant, String> envelope = (created, expires) -> template.formatted(
                SOAP11, SoapAuthentication.WSSE, SoapAuthentication.WSU, created, expires, cd.clientName, SoapAuthentication.PASSWORD_TEXT, cd.token);
        java.util.function.Function<String, HttpResponse<byte[]>> send = body -> {
            try {
                return cd.send(cd.anonymous("/soap/v1/gateway").header("Content-Type", "text/xml; charset=UTF-8")
                        .header("SOAPAction", "\"urn:liaison:gateway:v1:ListInbox\"").POST(HttpRequest.BodyPublishers.ofString(body)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        assertThat(send.apply(envelope.apply(now, now.plusSeconds(300))).statusCode()).isEqualTo(200);
        // Within the clock skew allowed, either way.
        assertThat(send.apply(envelope.apply(now.minusSeconds(600), now.minusSeconds(120))).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> expired = send.apply(envelope.apply(now.minusSeconds(3600), now.minusSeconds(1800)));
        assertSoap11Fault(expired, "Client", "GW-API-012");
        assertThat(detailOf(expired)).contains("expired");
        HttpResponse<byte[]> future = send.apply(envelope.apply(now.plusSeconds(3600), now.plusSeconds(3900)));
        assertSoap11Fault(future, "Client", "GW-API-012");
        assertThat(detailOf(future)).contains("future");
        assertSoap11Fault(send.apply(envelope.apply(now, now).replaceFirst("<wsu:Expires>[^<]*", "<wsu:Expires>tomorrow")),
                "Client", "GW-API-012");
        // The Security header is the node's to understand with a bearer token too.
        String expiredWithBearer = envelope.apply(now.minusSeconds(3600), now.minusSeconds(1800));
        assertSoap11Fault(soap11(expiredWithBearer, "\"urn:liaison:gateway:v1:ListInbox\""), "Client", "GW-API-012");
    }

    private static String detailOf(HttpResponse<byte[]> answer) throws Exception {
        org.w3c.dom.NodeList detail = element(answer.body()).getElementsByTagNameNS("urn:liaison:gateway:v1", "detail");
        return detail.getLength() == 0 ? "" : detail.item(0).getTextContent();
    }

    private HttpResponse<byte[]> soap11(String envelope, String soapAction) throws Exception {
        return cd.send(cd.authorized("/soap/v1/gateway").header("Content-Type", "text/xml; charset=UTF-8").header("SOAPAction", soapAction)
                .POST(HttpRequest.BodyPublishers.ofString(envelope)));
    }

    private static void assertSoap11Fault(HttpResponse<byte[]> answer, String faultCode, String catalogueCode) throws Exception {
        String body = new String(answer.body(), StandardCharsets.UTF_8);
        assertThat(answer.statusCode()).as(body).isBetween(400, 500); // declared faults answer 500, as SOAP 1.1 asks
        Element root = element(answer.body());
        assertThat(root.getNamespaceURI()).as(body).isEqualTo(SOAP11);
        assertThat(root.getElementsByTagName("faultcode").item(0).getTextContent()).as(body).endsWith(":" + faultCode);
        assertThat(root.getElementsByTagNameNS("urn:liaison:gateway:v1", "code").item(0).getTextContent()).as(body).isEqualTo(catalogueCode);
    }

    @Test
    void missingOrWrongCredentialIsAFaultGwApi001WithStatus401() throws Exception {
        String envelope = "<s:Envelope xmlns:s=\"" + SOAP11 + "\"><s:Body><g:ListInbox xmlns:g=\"urn:liaison:gateway:v1\"/></s:Body></s:Envelope>";
        for (HttpRequest.Builder request : List.of(ft.anonymous("/soap/v1/gateway"),
                ft.anonymous("/soap/v1/gateway").header("Authorization", "Bearer not-a-token-of-this-node-0123456789abcdef"),
                ft.anonymous("/soap/v1/gateway").header("Authorization", "Bearer " + cd.token))) {
            HttpResponse<byte[]> answer = ft.send(request.header("Content-Type", "text/xml; charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofString(envelope)));
            String body = new String(answer.body(), StandardCharsets.UTF_8);
            assertThat(answer.statusCode()).as(body).isEqualTo(401);
            // One challenge per line: a client that reads only the first line (Perl's LWP) still finds Basic.
            assertThat(answer.headers().allValues("WWW-Authenticate"))
                    .containsExactly("Bearer realm=\"liaison\"", "Basic realm=\"liaison-soap\"");
            assertThat(body).contains("Fault").contains("<g:code>GW-API-001</g:code>").doesNotContain("Exception");
        }
        // A UsernameToken naming another client than the token's owner is refused too.
        String wrongName = """
                <s:Envelope xmlns:s="%s"><s:Header><wsse:Security xmlns:wsse="%s"><wsse:UsernameToken>
                <wsse:Username>someone-else</wsse:Username><wsse:Password>%s</wsse:Password></wsse:UsernameToken></wsse:Security></s:Header>
                <s:Body><g:ListInbox xmlns:g="urn:liaison:gateway:v1"/></s:Body></s:Envelope>
                """.formatted(SOAP11, SoapAuthentication.WSSE, ft.token);
        HttpResponse<byte[]> answer = ft.send(ft.anonymous("/soap/v1/gateway").header("Content-Type", "text/xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(wrongName)));
        assertThat(answer.statusCode()).isEqualTo(401);

        // The generated client gets the same refusal.
        ListInbox list = new ListInbox();
        WebServiceException refused = catchThrowableOfType(WebServiceException.class, () -> client(ft, "wrong-token").listInbox(list));
        assertThat(refused).isNotNull();
    }

    /** What SOAP toolkits other than CXF send: node-soap, zeep, hand-written clients. */
    @Test
    void requestsAsOtherToolkitsWriteThemAreRead() throws Exception {
        // node-soap declares its prefixes on the Envelope, and one of them is used in a value (xsi:type).
        String consentId = recordConsent(client(ft, ft.token));
        String diagnosis = new String(samples.message("shared-diagnosis.xml", "FT-17", "CD-17", consentId, null).xml(), StandardCharsets.UTF_8)
                .replaceFirst("<\\?xml[^>]*>", "")
                .replace("<purpose>", "<purpose xsi:type=\"l:Purpose\">");
        String submit = "<s:Envelope xmlns:s=\"" + SOAP11 + "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xmlns:l=\"urn:liaison:messages:v1\" xmlns:g=\"urn:liaison:gateway:v1\"><s:Body><g:SubmitMessage>" + diagnosis
                + "</g:SubmitMessage></s:Body></s:Envelope>";
        HttpResponse<byte[]> accepted = ft.send(ft.authorized("/soap/v1/gateway").header("Content-Type", "text/xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(submit)));
        assertThat(accepted.statusCode()).as(new String(accepted.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        String typedLimit = "<s:Envelope xmlns:s=\"" + SOAP11 + "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><s:Body><g:ListInbox xmlns:g=\"urn:liaison:gateway:v1\">"
                + "<g:limit xsi:type=\"xsd:int\">5</g:limit></g:ListInbox></s:Body></s:Envelope>";
        HttpResponse<byte[]> listed = ft.send(ft.authorized("/soap/v1/gateway").header("Content-Type", "text/xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(typedLimit)));
        assertThat(listed.statusCode()).as(new String(listed.body(), StandardCharsets.UTF_8)).isEqualTo(200);

        // No charset parameter: the document's own byte order mark or encoding declaration says how it is written.
        String list = "<s:Envelope xmlns:s=\"" + SOAP11 + "\"><s:Body><!-- \u00e9 --><g:ListInbox xmlns:g=\"urn:liaison:gateway:v1\"/>"
                + "</s:Body></s:Envelope>";
        byte[] utf16 = ("\ufeff" + list).getBytes(StandardCharsets.UTF_16LE);
        byte[] latin1 = ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + list).getBytes(StandardCharsets.ISO_8859_1);
        for (byte[] body : List.of(utf16, latin1)) {
            HttpResponse<byte[]> answer = ft.send(ft.authorized("/soap/v1/gateway").header("Content-Type", "text/xml")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
            assertThat(answer.statusCode()).as(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        }

        // The byte order mark decides before the charset parameter (RFC 7303).
        HttpResponse<byte[]> marked = ft.send(ft.authorized("/soap/v1/gateway").header("Content-Type", "text/xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(utf16)));
        assertThat(marked.statusCode()).as(new String(marked.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        // A declaration too long to be read, or whose encoding cannot be read, is refused rather than guessed at.
        byte[] farDeclaration = ("<?xml version=\"1.0\"" + " ".repeat(1100) + "encoding=\"ISO-8859-1\"?>" + list)
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] unreadableEncoding = ("<?xml version=\"1.0\" encoding=\"UTF-8';x\"?>" + list).getBytes(StandardCharsets.ISO_8859_1);
        for (byte[] body : List.of(farDeclaration, unreadableEncoding)) {
            HttpResponse<byte[]> answer = ft.send(ft.authorized("/soap/v1/gateway").header("Content-Type", "text/xml")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("GW-XML-001");
            assertThat(answer.statusCode()).isEqualTo(400);
        }

        // A content coding is refused as on REST, not read as malformed XML.
        HttpResponse<byte[]> gzipped = ft.send(ft.authorized("/soap/v1/gateway").header("Content-Type", "text/xml; charset=UTF-8")
                .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofString(list)));
        assertThat(gzipped.statusCode()).isEqualTo(415);
        assertThat(new String(gzipped.body(), StandardCharsets.UTF_8)).contains("GW-API-004").contains("Content-Encoding");

        // A limit out of range is refused, not changed.
        ListInbox none = new ListInbox();
        none.setLimit(0);
        LiaisonFault outOfRange = catchThrowableOfType(LiaisonFault.class, () -> client(ft, ft.token).listInbox(none));
        assertThat(outOfRange.getFaultInfo().getCode()).isEqualTo("GW-API-009");
        assertThat(outOfRange.getFaultInfo().getDetail()).contains("1 to 1000");

        // A password digest cannot be checked: the fault says what to send instead.
        String digest = """
                <s:Envelope xmlns:s="%s"><s:Header><wsse:Security xmlns:wsse="%s"><wsse:UsernameToken>
                <wsse:Username>%s</wsse:Username><wsse:Password Type="%s#PasswordDigest">x</wsse:Password></wsse:UsernameToken>
                </wsse:Security></s:Header><s:Body><g:ListInbox xmlns:g="urn:liaison:gateway:v1"/></s:Body></s:Envelope>
                """.formatted(SOAP11, SoapAuthentication.WSSE, ft.clientName, SoapAuthentication.PASSWORD_TEXT.replace("#PasswordText", ""));
        HttpResponse<byte[]> refused = ft.send(ft.anonymous("/soap/v1/gateway").header("Content-Type", "text/xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(digest)));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("GW-API-001").contains("PasswordText");
    }

    @Test
    void aResourceWithoutRecipientIsPublishedToEveryPartnerAsOnRest() throws Exception {
        SubmitMessage publish = new SubmitMessage();
        publish.setAny(element(samples.message("resource-directory-entry.xml", "CD-17", null, null, null).xml()));

        // Before, the SOAP service sent it as it came: refused for want of a recipient.
        SubmitMessageResponse published = client(cd, cd.token).submitMessage(publish);

        List<String> copies = published.getCopyMessageId().isEmpty() ? List.of(published.getMessageId()) : published.getCopyMessageId();
        assertThat(copies).contains(published.getMessageId()).doesNotHaveDuplicates();
        for (String copy : copies) {
            assertThat(status(client(cd, cd.token), copy).getRecipient()).isNotNull().isNotEqualTo("CD-17");
        }
    }

    @Test
    void wsdlIsServedWithTheMessageSchemaItImports() throws Exception {
        HttpResponse<byte[]> wsdl = ft.send(ft.anonymous("/soap/v1/gateway?wsdl").GET());
        String text = new String(wsdl.body(), StandardCharsets.UTF_8);
        assertThat(wsdl.statusCode()).isEqualTo(200);
        assertThat(text).contains("LiaisonGatewayService").contains("urn:liaison:gateway:v1").contains("SubmitMessage")
                .contains(ft.localApi + "/soap/v1/gateway");
        // Both ports, SOAP 1.1 and 1.2, name the node's own address: a toolkit may pick either.
        java.util.regex.Matcher addresses = java.util.regex.Pattern.compile("address location=\"([^\"]+)\"").matcher(text);
        List<String> locations = new java.util.ArrayList<>();
        while (addresses.find()) {
            locations.add(addresses.group(1));
        }
        assertThat(locations).hasSize(2).allMatch(location -> location.equals(ft.localApi + "/soap/v1/gateway"));
        String xsd = text.replaceAll("(?s).*schemaLocation=\"([^\"]+)\".*", "$1").replace("&amp;", "&");
        assertThat(xsd).contains("?xsd=");
        HttpResponse<byte[]> schema = ft.send(ft.anonymous(xsd.substring(xsd.indexOf("/soap/"))).GET());
        assertThat(schema.statusCode()).isEqualTo(200);
        assertThat(new String(schema.body(), StandardCharsets.UTF_8)).contains("targetNamespace=\"urn:liaison:messages:v1\"");

        // A node given its public address names it, for the service and its schema alike, whatever the request's Host.
        String published = new String(cd.send(cd.anonymous("/soap/v1/gateway?wsdl").GET()).body(), StandardCharsets.UTF_8);
        java.util.regex.Matcher publishedAddresses = java.util.regex.Pattern.compile("address location=\"([^\"]+)\"").matcher(published);
        List<String> publishedLocations = new java.util.ArrayList<>();
        while (publishedAddresses.find()) {
            publishedLocations.add(publishedAddresses.group(1));
        }
        assertThat(publishedLocations).hasSize(2).allMatch(location -> location.equals(PUBLIC_URL + "soap/v1/gateway"));
        assertThat(published.replaceAll("(?s).*schemaLocation=\"([^\"]+)\".*", "$1")).startsWith(PUBLIC_URL + "soap/v1/gateway?xsd=");
    }

    // ---------------------------------------------------------------------------------------------

    private String recordConsent(LiaisonGatewayPortType port) throws Exception {
        String consentId = UUID.randomUUID().toString();
        RecordConsent record = new RecordConsent();
        record.setAny(element(samples.consent(consentId, "FT-17", List.of("CD-17"), DIAGNOSIS_CATEGORIES)));
        RecordConsentResponse recorded = port.recordConsent(record);
        assertThat(recorded.getConsent().getConsentId()).isEqualTo(consentId);
        assertThat(recorded.getConsent().getAllowedRecipient()).containsExactly("CD-17");
        return consentId;
    }

    private static GetMessageStatusResponse status(LiaisonGatewayPortType port, String messageId) throws LiaisonFault {
        GetMessageStatus request = new GetMessageStatus();
        request.setMessageId(messageId);
        return port.getMessageStatus(request);
    }

    private static InboxEntry inboxEntry(LiaisonGatewayPortType port, String messageId) throws LiaisonFault {
        return port.listInbox(new ListInbox()).getEntry().stream().filter(e -> messageId.equals(e.getMessageId())).findFirst().orElse(null);
    }

    /** The client generated from the committed WSDL (classpath:wsdl/liaison-gateway-v1.wsdl), pointed at the node. */
    private static LiaisonGatewayPortType client(TestNode node, String token) {
        LiaisonGatewayPortType port = new LiaisonGatewayService().getLiaisonGatewayPort();
        Map<String, Object> context = ((BindingProvider) port).getRequestContext();
        context.put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, node.localApi + "/soap/v1/gateway");
        context.put(MessageContext.HTTP_REQUEST_HEADERS, Map.of("Authorization", List.of("Bearer " + token)));
        return port;
    }

    private static Element element(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml)).getDocumentElement();
    }
}
