package fr.liaison.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.error.LiaisonException;
import fr.liaison.schemas.v1.Referral;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class XmlCharsetTest {

    private static final String REFERRAL = read("../schemas/samples/v1/valid/referral.xml");
    private static final String UTF8_DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

    @Test
    void aLatin1DocumentIsReadInTheCharsetItsMediaTypeDeclares() {
        byte[] withoutDeclaration = REFERRAL.replace(UTF8_DECLARATION, "").getBytes(StandardCharsets.ISO_8859_1);
        byte[] contradictingDeclaration = REFERRAL.getBytes(StandardCharsets.ISO_8859_1); // RFC 7303: the parameter wins

        for (byte[] latin1 : new byte[][] {withoutDeclaration, contradictingDeclaration}) {
            byte[] parsed = XmlCharset.asParsed(latin1, "application/xml; charset=ISO-8859-1");

            assertThat(MessageCodec.v1().read(parsed, MessageFormat.XML).message(Referral.class).getPerson().getFirstName())
                    .isEqualTo("Maëlle");
        }
    }

    @Test
    void aDeclarationContradictingAUtf8ParameterIsMadeToSayUtf8() {
        byte[] utf8 = REFERRAL.replace("encoding=\"UTF-8\"", "encoding='windows-1252'").getBytes(StandardCharsets.UTF_8);

        byte[] parsed = XmlCharset.asParsed(utf8, "text/xml;charset=\"utf-8\"");

        assertThat(new String(parsed, StandardCharsets.UTF_8)).startsWith("<?xml version=\"1.0\" encoding='UTF-8'?>")
                .contains("Maëlle");
    }

    @Test
    void whatTheParserReadsRightIsLeftAsItIs() {
        byte[] utf8 = REFERRAL.getBytes(StandardCharsets.UTF_8);
        byte[] withBom = ("\uFEFF" + REFERRAL).getBytes(StandardCharsets.UTF_8);

        assertThat(XmlCharset.asParsed(utf8, "application/xml; charset=UTF-8")).isSameAs(utf8);
        assertThat(XmlCharset.asParsed(utf8, "application/xml")).isSameAs(utf8);
        assertThat(XmlCharset.asParsed(utf8, "application/json; charset=ISO-8859-1")).isSameAs(utf8);
        assertThat(XmlCharset.asParsed(withBom, "application/xml; charset=ISO-8859-1")).as("the byte order mark decides").isSameAs(withBom);
    }

    @Test
    void aCharsetTheBodyCannotBeReadInIsRefusedWithItsCode() {
        byte[] latin1 = REFERRAL.getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> XmlCharset.asParsed(latin1, "application/xml; charset=x-no-such-charset"))
                .isInstanceOfSatisfying(LiaisonException.class, e -> assertThat(e.code().code()).isEqualTo("GW-API-004"));
        assertThatThrownBy(() -> XmlCharset.asParsed(latin1, "application/xml; charset=US-ASCII"))
                .isInstanceOfSatisfying(LiaisonException.class, e -> assertThat(e.code().code()).isEqualTo("GW-XML-001"));
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
