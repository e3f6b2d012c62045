package fr.liaison.gateway.resources;

import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.routes.camel.ExchangeHeaders;
import fr.liaison.routes.resources.ResourceDirectory;
import fr.liaison.routes.resources.ResourcePublication;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.Violation;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.time.Clock;
import java.util.ArrayList;

import org.apache.camel.ProducerTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
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
    private final ResourcePublication publication;
    private final ProducerTemplate producer;
    private final MessageCodec codec;
    private final Clock clock;
    private final String participantId;

    ResourcesController(ResourceDirectory resources, ResourcePublication publication, ProducerTemplate producer, MessageCodec codec,
            Clock clock, LiaisonProperties properties) {
        this.resources = resources;
        this.publication = publication;
        this.producer = producer;
        this.codec = codec;
        this.clock = clock;
        this.participantId = properties.participantId();
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

    /**
     * Imports data·inclusion v1 services: each one whose thematiques match the v1 list becomes a
     * ResourceDirectoryEntry this node publishes, through the same pipeline as any message.
     */
    @PostMapping(path = "/data-inclusion", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> importDataInclusion(@RequestBody List<Map<String, Object>> services,
            @RequestAttribute("liaison.client") String client) {
        List<String> skipped = new ArrayList<>();
        // Every service read first: one that cannot be read refuses the import before anything is published,
        // so that "nothing was accepted" holds and a corrected import publishes each service once.
        List<byte[]> entries = new ArrayList<>();
        for (int i = 0; i < services.size(); i++) {
            Map<String, Object> service = services.get(i);
            String refused = "service #" + i + " cannot be read as a data·inclusion service; nothing was published";
            if (service == null) {
                throw new LiaisonException(ErrorCode.SCHEMA_INVALID, refused);
            }
            byte[] xml;
            try {
                var entry = resources.fromDataInclusion(service, participantId, clock);
                if (entry.isEmpty()) {
                    skipped.add(String.valueOf(service.get("id")));
                    continue;
                }
                xml = codec.toXml(entry.get());
            } catch (RuntimeException e) { // a date, type or fee the v1 schema does not know, a member of the wrong kind
                throw new LiaisonException(ErrorCode.SCHEMA_INVALID, refused);
            }
            // The schema's checks too, which the publishing route would make one service at a time.
            List<Violation> violations = codec.validate(xml, MessageFormat.XML);
            if (!violations.isEmpty()) {
                throw new LiaisonException(violations.get(0).code(), refused + ": " + violations.get(0).message());
            }
            entries.add(xml);
        }
        List<String> published = new ArrayList<>();
        for (byte[] entry : entries) {
            for (byte[] copy : publication.copies(entry)) {
                published.add(producer.requestBodyAndHeader("direct:outbound-submit", copy, ExchangeHeaders.CLIENT, client, String.class));
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("messageIds", published);
        result.put("skippedWithoutMatchingThematique", skipped);
        return result;
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
