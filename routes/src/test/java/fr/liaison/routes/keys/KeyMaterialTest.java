package fr.liaison.routes.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyMaterialTest {

    @TempDir
    Path work;

    @Test
    void loadsAParticipantsKeysWhenEachKeyIsItsCertificates() throws Exception {
        Path ft29 = copyOf("FT-29");

        assertThat(KeyMaterial.fromPemDirectory(ft29, "FT-29").participantId()).isEqualTo("FT-29");
    }

    /** Another participant's encryption key beside this one's certificate: refused at load, not at the first envelope. */
    @Test
    void refusesAPrivateKeyThatIsNotItsCertificates() throws Exception {
        Path ft29 = copyOf("FT-29");
        Files.copy(DevNetwork.certsDev().resolve("CD-29").resolve("encrypt.key.pem"), ft29.resolve("encrypt.key.pem"),
                StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> KeyMaterial.fromPemDirectory(ft29, "FT-29")).isInstanceOfSatisfying(LiaisonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.KEYS_UNAVAILABLE);
            assertThat(e.getMessage()).contains("encryption private key", "is not the key of its certificate");
        });
    }

    private Path copyOf(String participant) throws Exception {
        Path source = DevNetwork.certsDev().resolve(participant);
        Path copy = Files.createDirectories(work.resolve(participant));
        for (String file : new String[] {"sign.key.pem", "sign.crt.pem", "encrypt.key.pem", "encrypt.crt.pem", "tls.key.pem", "tls.crt.pem"}) {
            Files.copy(source.resolve(file), copy.resolve(file));
        }
        return copy;
    }
}
