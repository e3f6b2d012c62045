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
    void refusesAnythingElse() {
        assertThatThrownBy(() -> MessageFormat.detect("  ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessageFormat.detect("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
