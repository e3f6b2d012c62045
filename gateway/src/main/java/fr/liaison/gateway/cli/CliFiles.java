package fr.liaison.gateway.cli;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** File input and output for the tools, failing with a catalogued code. */
final class CliFiles {

    private CliFiles() {
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new LiaisonException(ErrorCode.IO_FAILED, "cannot read " + file);
        }
    }

    /** Writes through a temporary file so a reader never sees half a file. */
    static void write(Path file, byte[] content) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temporary = Files.createTempFile(parent, ".liaison-", ".tmp");
            Files.write(temporary, content);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LiaisonException(ErrorCode.IO_FAILED, "cannot write " + file);
        }
    }
}
