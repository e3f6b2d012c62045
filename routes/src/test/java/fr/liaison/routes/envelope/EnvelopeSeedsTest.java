package fr.liaison.routes.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The committed seeds of the opener's fuzz target are what their names say: a fuzzing run that
 * starts from envelopes that no longer open (new certs-dev keys, say) never gets past the key
 * agreement. Rewrite them with {@code -Denvelope.seeds.write=true} (docs/fuzzing.md).
 */
class EnvelopeSeedsTest {

    @Test
    void validSeedsOpenToTheirSealedContentAndTheOthersAreRefusedWithTheCodeTheyAreNamedAfter() throws Exception {
        List<Path> seeds = committedSeeds();
        assertThat(seeds).extracting(path -> path.getFileName().toString())
                .anyMatch(name -> name.startsWith("valid-"))
                .anyMatch(name -> name.startsWith("GW-"));
        for (Path seed : seeds) {
            String name = seed.getFileName().toString();
            byte[] envelope = Files.readAllBytes(seed);
            if (name.startsWith("valid-")) {
                String[] parts = name.substring("valid-".length()).split("-to-");
                String sender = parts[0];
                String recipient = Stream.of("FT-29", "TEST-RSA").filter(parts[1]::startsWith).findFirst().orElseThrow();
                OpenedEnvelope opened = new EnvelopeOpener(DevNetwork.keys(recipient), DevNetwork.directory())
                        .open(envelope, sender);
                assertThat(EnvelopeSeeds.sealedContents()).as(name).contains(ByteBuffer.wrap(opened.content()));
            } else if (name.startsWith("GW-")) {
                String code = name.substring(0, name.indexOf('-', name.indexOf('-', 3) + 1));
                LiaisonException refusal = catchThrowableOfType(LiaisonException.class,
                        () -> new EnvelopeOpener(DevNetwork.keys("FT-29"), DevNetwork.directory()).open(envelope));
                if (refusal != null && refusal.code() == ErrorCode.ENVELOPE_NOT_FOR_RECIPIENT && !code.equals("GW-ENVELOPE-003")) {
                    refusal = catchThrowableOfType(LiaisonException.class,
                            () -> new EnvelopeOpener(DevNetwork.keys("TEST-RSA"), DevNetwork.directory()).open(envelope));
                }
                assertThat(refusal).as(name).isNotNull();
                assertThat(refusal.code().code()).as(name).isEqualTo(code);
            }
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "envelope.seeds.write", matches = "true")
    void writesTheSeeds() throws Exception {
        Path directory = EnvelopeSeeds.sourceDirectory();
        Files.createDirectories(directory);
        for (Map.Entry<String, byte[]> seed : EnvelopeSeeds.build().entrySet()) {
            Files.write(directory.resolve(seed.getKey()), seed.getValue());
        }
    }

    private static List<Path> committedSeeds() throws IOException, URISyntaxException {
        var url = EnvelopeSeedsTest.class.getResource("/" + EnvelopeSeeds.RESOURCE_DIRECTORY);
        assertThat(url).as("seed directory").isNotNull();
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            return files.sorted().toList();
        }
    }
}
