package fr.liaison.routes.testing;

import fr.liaison.routes.resources.ResourceRecord;
import fr.liaison.routes.resources.ResourceStore;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Resources in memory, for tests without a database. */
public final class InMemoryResourceStore implements ResourceStore {

    private final Map<String, ResourceRecord> resources = new ConcurrentHashMap<>();

    @Override
    public Optional<ResourceRecord> find(String publisher, String id) {
        return Optional.ofNullable(resources.get(publisher + "/" + id));
    }

    @Override
    public void save(ResourceRecord resource) {
        resources.put(resource.publisher() + "/" + resource.id(), resource);
    }

    @Override
    public void remove(String publisher, String id) {
        resources.remove(publisher + "/" + id);
    }

    @Override
    public List<ResourceRecord> all() {
        return List.copyOf(resources.values());
    }
}
