package fr.liaison.routes.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class PseudonymiserTest {

    private static final String ID = "0451827K";

    static byte[] key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return key;
    }

    private final Pseudonymiser pseudonymiser = new Pseudonymiser(key(7));

    @Test
    void givesTheSamePseudonymForTheSameId() {
        assertThat(pseudonymiser.personHash(ID)).isEqualTo(pseudonymiser.personHash(ID))
                .isEqualTo(new Pseudonymiser(key(7)).personHash(ID));
    }

    @Test
    void givesAnotherPseudonymUnderAnotherKey() {
        assertThat(new Pseudonymiser(key(8)).personHash(ID)).isNotEqualTo(pseudonymiser.personHash(ID));
    }

    @Test
    void givesAnotherPseudonymForAnotherId() {
        assertThat(pseudonymiser.personHash("0612345X001")).isNotEqualTo(pseudonymiser.personHash(ID));
    }

    @Test
    void isSixtyFourLowercaseHexCharacters() {
        assertThat(pseudonymiser.personHash(ID)).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void neverContainsTheClearIdNorAPlainHashOfIt() throws Exception {
        String hash = pseudonymiser.personHash(ID);
        String plain = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(ID.getBytes(StandardCharsets.UTF_8)));
        assertThat(hash).doesNotContainIgnoringCase(ID).isNotEqualTo(plain);
        assertThat(pseudonymiser.toString()).doesNotContain(ID);
    }

    @Test
    void isHmacSha256OfTheUtf8Id() throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key(7), "HmacSHA256"));
        assertThat(pseudonymiser.personHash(ID))
                .isEqualTo(java.util.HexFormat.of().formatHex(mac.doFinal(ID.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void isNotAffectedByChangesToTheCallersKeyArray() {
        byte[] key = key(7);
        Pseudonymiser p = new Pseudonymiser(key);
        key[0] = 42;
        assertThat(p.personHash(ID)).isEqualTo(pseudonymiser.personHash(ID));
    }

    @Test
    void refusesAKeyShorterThan32Bytes() {
        assertThatThrownBy(() -> new Pseudonymiser(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void givesTheSamePseudonymFromManyThreads() {
        Set<String> hashes = IntStream.range(0, 2_000).parallel().mapToObj(i -> pseudonymiser.personHash(ID))
                .collect(Collectors.toSet());
        assertThat(hashes).containsExactly(pseudonymiser.personHash(ID));
    }
}
