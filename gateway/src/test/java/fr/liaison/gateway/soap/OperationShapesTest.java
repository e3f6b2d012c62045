package fr.liaison.gateway.soap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class OperationShapesTest {

    private static final OperationShapes SHAPES = new OperationShapes();
    private static final String G = "xmlns:g=\"urn:liaison:gateway:v1\"";
    private static final String UUID = "6f1c2a34-8d0e-4b7a-9c3f-2e5d7a1b9c40";

    @Test
    void parametersTheWsdlAllowsPass() throws Exception {
        assertThat(SHAPES.refusal(element("<g:ListInbox " + G + "/>"))).isNull();
        assertThat(SHAPES.refusal(element("<g:ListInbox " + G + "><g:limit>20</g:limit></g:ListInbox>"))).isNull();
        assertThat(SHAPES.refusal(element("<g:RevokeConsent " + G + "><g:consentId>" + UUID + "</g:consentId><g:reason>"
                + "é".repeat(500) + "</g:reason></g:RevokeConsent>"))).isNull();
        // The message itself, whatever its namespace or content, is the codec's to judge.
        assertThat(SHAPES.refusal(element("<g:SubmitMessage " + G + "><Referral xmlns=\"urn:liaison:messages:v2\"><x/></Referral>"
                + "</g:SubmitMessage>"))).isNull();
        assertThat(SHAPES.refusal(element("<g:Nope " + G + "><g:x/></g:Nope>"))).as("left to CXF").isNull();
    }

    @Test
    void parametersTheWsdlDoesNotAllowAreNamedWithoutQuotingThem() throws Exception {
        assertThat(SHAPES.refusal(element("<g:ListInbox " + G + "><g:limit>abc</g:limit></g:ListInbox>")))
                .startsWith("ListInbox: a value is not of its type").doesNotContain("abc");
        assertThat(SHAPES.refusal(element("<g:ListInbox " + G + "><g:junk/></g:ListInbox>")))
                .startsWith("ListInbox: an element is missing, repeated, out of order or not expected here").doesNotContain("junk");
        assertThat(SHAPES.refusal(element("<g:SubmitMessage " + G + "><Referral xmlns=\"urn:liaison:messages:v1\"/>"
                + "<Referral xmlns=\"urn:liaison:messages:v1\"/></g:SubmitMessage>"))).startsWith("SubmitMessage: an element is");
        assertThat(SHAPES.refusal(element("<g:RevokeConsent " + G + "><g:consentId>" + UUID + "</g:consentId><g:reason>"
                + "x".repeat(501) + "</g:reason></g:RevokeConsent>"))).startsWith("RevokeConsent: a value is too short or too long");
        assertThat(SHAPES.refusal(element("<g:GetMessageStatus " + G + "><g:messageId>" + "9".repeat(5000)
                + "</g:messageId></g:GetMessageStatus>"))).startsWith("GetMessageStatus: a value is not of its type").hasSizeLessThan(200);
    }

    private static Element element(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
    }
}
