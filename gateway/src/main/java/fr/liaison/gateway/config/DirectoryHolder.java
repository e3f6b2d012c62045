package fr.liaison.gateway.config;

import fr.liaison.routes.directory.Directory;

import java.util.concurrent.atomic.AtomicReference;

/** The directory version this node currently trusts; replaced whole when a newer one is verified. */
public final class DirectoryHolder {

    private final AtomicReference<Directory> current;

    public DirectoryHolder(Directory directory) {
        this.current = new AtomicReference<>(directory);
    }

    public Directory current() {
        return current.get();
    }

    /**
     * Applies a newer verified version, whole; an equal or older one changes nothing.
     *
     * @return whether it was applied
     */
    public boolean apply(Directory newer) {
        Directory before = current.get();
        return newer.version() > before.version() && current.compareAndSet(before, newer);
    }
}
