package fr.liaison.gateway.config;

import fr.liaison.routes.directory.Directory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The directory version this node currently trusts; replaced whole when a newer one is verified. */
public final class DirectoryHolder {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryHolder.class);

    private final AtomicReference<Directory> current;
    private final List<Consumer<Directory>> listeners = new CopyOnWriteArrayList<>();

    public DirectoryHolder(Directory directory) {
        this.current = new AtomicReference<>(directory);
    }

    public Directory current() {
        return current.get();
    }

    /**
     * Applies a newer verified version, whole; an equal or older one changes nothing. Once applied,
     * the listeners are told, in the applying thread.
     *
     * @return whether it was applied
     */
    public boolean apply(Directory newer) {
        Directory before = current.get();
        boolean applied = newer.version() > before.version() && current.compareAndSet(before, newer);
        if (applied) {
            for (Consumer<Directory> listener : listeners) {
                try {
                    listener.accept(newer);
                } catch (RuntimeException e) {
                    // The version is in force whatever a listener makes of it.
                    LOG.warn("directory version {} applied; a listener failed: {}", newer.version(), e.toString());
                }
            }
        }
        return applied;
    }

    /** {@code listener} is given each version applied from now on. */
    public void onApplied(Consumer<Directory> listener) {
        listeners.add(listener);
    }
}
