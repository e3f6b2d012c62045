package fr.liaison.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkDirPermissionsTest {

    @TempDir
    Path root;

    @Test
    void aNewWorkDirectoryAndItsDataDirectoriesAreTheNodesAlone() throws Exception {
        Path work = root.resolve("var/FT-29");

        WorkDirPermissions.secure(work, List.of(work.resolve("db"), work.resolve("artemis")));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("db")))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("artemis")))).isEqualTo("rwx------");
    }

    @Test
    void openDataDirectoriesWithinTheWorkDirectoryAreClosedButTheWorkDirectoryAndOthersAreLeftAsTheyAre() throws Exception {
        Path work = Files.createDirectories(root.resolve("work"));
        Path db = Files.createDirectories(work.resolve("db"));
        Path elsewhere = Files.createDirectories(root.resolve("journal"));
        for (Path dir : List.of(work, db, elsewhere)) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        WorkDirPermissions.secure(work, List.of(db, elsewhere));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work))).as("the operator's choice").isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(elsewhere))).as("not the node's to change")
                .isEqualTo("rwxr-xr-x");
    }
}
