package fr.liaison.gateway.resources;

import fr.liaison.routes.resources.ResourceRecord;
import fr.liaison.routes.resources.ResourceStore;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The resources directory copy in the node's database. */
@Repository
class JdbcResourceStore implements ResourceStore {

    private final JdbcClient jdbc;

    JdbcResourceStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<ResourceRecord> find(String publisher, String id) {
        return jdbc.sql("SELECT * FROM resource WHERE publisher = ? AND resource_id = ?").params(publisher, id)
                .query((rs, row) -> resource(rs)).optional();
    }

    @Override
    @Transactional
    public void save(ResourceRecord r) {
        remove(r.publisher(), r.id());
        jdbc.sql("INSERT INTO resource (publisher, resource_id, name, thematiques, areas, updated_on, xml) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(r.publisher(), r.id(), r.name(), String.join(",", new TreeSet<>(r.thematiques())),
                        String.join(",", new TreeSet<>(r.areas())), r.updatedOn(), r.xml())
                .update();
    }

    @Override
    public void remove(String publisher, String id) {
        jdbc.sql("DELETE FROM resource WHERE publisher = ? AND resource_id = ?").params(publisher, id).update();
    }

    @Override
    public List<ResourceRecord> all() {
        return jdbc.sql("SELECT * FROM resource ORDER BY name").query((rs, row) -> resource(rs)).list();
    }

    private static ResourceRecord resource(ResultSet rs) throws SQLException {
        return new ResourceRecord(rs.getString("resource_id"), rs.getString("publisher"), rs.getString("name"),
                set(rs.getString("thematiques")), set(rs.getString("areas")), rs.getObject("updated_on", LocalDate.class),
                rs.getBytes("xml"));
    }

    private static Set<String> set(String csv) {
        return csv == null || csv.isEmpty() ? Set.of() : new TreeSet<>(Arrays.asList(csv.split(",")));
    }
}
