package fr.liaison.routes.resources;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.v1.ResourceDirectoryEntry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The look that spares other messages a second read must never miss a resource entry: it agrees
 * with the full read on every sample, whatever the form, and a body it cannot judge is read.
 */
class ResourcePublicationTest {

    private static final MessageCodec CODEC = MessageCodec.v1();
    private final ResourcePublication publication = new ResourcePublication(CODEC, DevNetwork::directory, "CD-29", Clock.systemUTC());

    private static List<Path> samples() throws Exception {
        try (Stream<Path> files = Files.list(DevNetwork.samples().resolve("v1/valid"))) {
            return files.sorted().toList();
        }
    }

    @Test
    void agreesWithTheFullReadOnEverySample() throws Exception {
        for (Path sample : samples()) {
            byte[] body = Files.readAllBytes(sample);
            boolean resource = CODEC.read(body, MessageFormat.detect(body)).message() instanceof ResourceDirectoryEntry;
            assertThat(ResourcePublication.mayBeResourceEntry(body)).as(sample.getFileName().toString()).isEqualTo(resource);
        }
    }

    @Test
    void otherMessagesAreSubmittedAsTheyAre() throws Exception {
        byte[] referral = Files.readAllBytes(DevNetwork.samples().resolve("v1/valid/referral.xml"));
        assertThat(publication.copies(referral)).singleElement().isSameAs(referral);
    }

    @Test
    void aBodyItCannotJudgeIsRead() {
        byte[] utf16 = "<ResourceDirectoryEntry/>".getBytes(StandardCharsets.UTF_16LE);
        assertThat(ResourcePublication.mayBeResourceEntry(utf16)).isTrue();
        byte[] escaped = "{\"header\":{\"messageType\":\"\\u0052ESOURCE_DIRECTORY_ENTRY\"}}".getBytes(StandardCharsets.UTF_8);
        assertThat(ResourcePublication.mayBeResourceEntry(escaped)).isTrue();
        assertThat(ResourcePublication.mayBeResourceEntry("<a:ResourceDirectoryEntry xmlns:a='x'/>".getBytes(StandardCharsets.UTF_8)))
                .isTrue();
    }

    @Test
    void aJsonResourceWithoutRecipientIsPublishedToo() throws Exception {
        byte[] json = Files.readAllBytes(DevNetwork.samples().resolve("v1/valid/resource-directory-entry.json"));
        assertThat(ResourcePublication.mayBeResourceEntry(json)).isTrue();
        assertThat(publication.copies(json)).hasSize(2);
    }
}
