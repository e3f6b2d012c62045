package fr.liaison.gateway.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * The embedded database and the broker's journal hold personal data in clear, while the files in
 * them are created with the process's umask, often readable by every local account. So, before
 * anything is written, the directories the node keeps them in are made its account's alone
 * ({@code rwx------}): created so, or tightened (with a warning) when they were open to their group
 * or to others and lie within the work directory, which is the node's. The work directory itself,
 * which the operator may have chosen among others' files, is created so but never changed: a
 * warning says when it is open. Nothing is done on a file system without POSIX permissions.
 */
public final class WorkDirPermissions implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(WorkDirPermissions.class);
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final String H2_FILE = "jdbc:h2:file:";

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        Environment environment = event.getEnvironment();
        String workDir = environment.getProperty("liaison.work-dir");
        if (workDir == null || workDir.isBlank()) {
            return;
        }
        Path work = Path.of(workDir).toAbsolutePath().normalize();
        List<Path> data = new ArrayList<>();
        String journal = environment.getProperty("spring.artemis.embedded.data-directory");
        if (journal != null && !journal.isBlank() && environment.getProperty("spring.artemis.embedded.persistent", Boolean.class, false)) {
            data.add(Path.of(journal));
        }
        String url = environment.getProperty("spring.datasource.url");
        if (url != null && url.startsWith(H2_FILE)) {
            Path file = Path.of(url.substring(H2_FILE.length()).split(";", 2)[0]);
            if (file.getParent() != null) {
                data.add(file.getParent());
            }
        }
        try {
            secure(work, data);
        } catch (UnsupportedOperationException notPosix) {
            // not a POSIX file system: access is the operator's business
        } catch (IOException e) {
            throw new UncheckedIOException("work directory " + work, e);
        }
    }

    /** After Spring Boot's own listeners, so that logging is set up. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    static void secure(Path work, List<Path> dataDirectories) throws IOException {
        if (!Files.exists(work)) {
            Files.createDirectories(work, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else if (open(work)) {
            LOG.warn("The work directory {} is open to its group or to others ({}); its database and journal directories are not",
                    work, PosixFilePermissions.toString(Files.getPosixFilePermissions(work)));
        }
        for (Path dir : dataDirectories) {
            Path data = dir.toAbsolutePath().normalize();
            if (!Files.exists(data)) {
                Files.createDirectories(data, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                Files.setPosixFilePermissions(data, OWNER_ONLY); // whatever the umask took from the attribute
            } else if (open(data)) {
                if (data.startsWith(work) && !data.equals(work)) {
                    LOG.warn("{} holds personal data and was open to its group or to others ({}): now rwx------", data,
                            PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
                    Files.setPosixFilePermissions(data, OWNER_ONLY);
                } else {
                    LOG.warn("{} holds personal data and is open to its group or to others ({})", data,
                            PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
                }
            }
        }
    }

    private static boolean open(Path dir) throws IOException {
        Set<PosixFilePermission> others = EnumSet.copyOf(Files.getPosixFilePermissions(dir));
        others.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        return !others.isEmpty();
    }
}
