package fr.liaison.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageFormatTest {

    @Test
    void detectsFormFromFirstNonWhitespaceByte() {
        assertThat(MessageFormat.detect(" \n<?xml version=\"1.0\"?><a/>".getBytes(StandardCharsets.UTF_8))).isEqualTo(MessageFormat.XML);
        assertThat(MessageFormat.detect("\uFEFF{\"a\":1}".getBytes(StandardCharsets.UTF_8))).isEqualTo(MessageFormat.JSON);
    }

    @Test
    void utf16IsXmlAndReadAsSuch() throws Exception {
        String referral = java.nio.file.Files.readString(Samples.VALID.resolve("referral.xml")).replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"");
        byte[] withBom = referral.getBytes(StandardCharsets.UTF_16); // big-endian, with its byte order mark
        byte[] littleEndianWithoutBom = referral.getBytes(StandardCharsets.UTF_16LE);

        assertThat(MessageFormat.detect(withBom)).isEqualTo(MessageFormat.XML);
        assertThat(MessageFormat.detect(littleEndianWithoutBom)).isEqualTo(MessageFormat.XML);
        assertThat(MessageCodec.v1().validate(withBom, MessageFormat.XML)).isEmpty();
    }

    @Test
    void refusesAnythingElse() {
        assertThatThrownBy(() -> MessageFormat.detect("  ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessageFormat.detect("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
