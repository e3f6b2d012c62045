package fr.liaison.routes.resources;

import java.util.List;
import java.util.Optional;

/** Where a node keeps its copy of the social-resources directories it receives. */
public interface ResourceStore {

    Optional<ResourceRecord> find(String publisher, String id);

    void save(ResourceRecord resource);

    void remove(String publisher, String id);

    List<ResourceRecord> all();
}
