package fr.liaison.gateway.config;

import fr.liaison.routes.directory.Directory;

import java.util.concurrent.atomic.AtomicReference;

/** The directory version this node currently trusts; replaced whole when a newer one is verified. */
public final class DirectoryHolder {

    private final AtomicReference<Directory> current;

    DirectoryHolder(Directory directory) {
        this.current = new AtomicReference<>(directory);
    }

    public Directory current() {
        return current.get();
    }
}
