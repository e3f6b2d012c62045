package fr.liaison.gateway.resources;

import fr.liaison.routes.resources.ResourceDirectory;
import fr.liaison.routes.resources.ResourceRecord;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The department's social resources this node received (Axe 1), for the local software. */
@RestController
@RequestMapping("/api/v1/resources")
class ResourcesController {

    private final ResourceDirectory resources;

    ResourcesController(ResourceDirectory resources) {
        this.resources = resources;
    }

    /** By data·inclusion category or thematique, and INSEE commune (its department and "france" count). */
    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    List<Map<String, Object>> search(@RequestParam(required = false) String category, @RequestParam(required = false) String commune) {
        return resources.search(blank(category), blank(commune)).stream().map(ResourcesController::describe).toList();
    }

    /** The same selection in data·inclusion's v1 service shape. */
    @GetMapping(path = "/data-inclusion", produces = MediaType.APPLICATION_JSON_VALUE)
    List<Map<String, Object>> dataInclusion(@RequestParam(required = false) String category,
            @RequestParam(required = false) String commune) {
        return resources.search(blank(category), blank(commune)).stream().map(resources::toDataInclusion).toList();
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Map<String, Object> describe(ResourceRecord r) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", r.id());
        view.put("publisher", r.publisher());
        view.put("name", r.name());
        view.put("thematiques", r.thematiques());
        view.put("areaServed", r.areas());
        view.put("updatedOn", r.updatedOn().toString());
        return view;
    }
}
