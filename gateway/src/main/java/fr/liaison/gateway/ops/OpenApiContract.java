package fr.liaison.gateway.ops;

import fr.liaison.schemas.error.ErrorCode;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3 document of the local REST API ({@code /v3/api-docs}), generated from the
 * controllers by springdoc, completed here with what annotations would scatter: the bearer
 * scheme (HTTP Basic for the officers' paths), the success status of operations that answer
 * other than 200, and the RFC 9457 problem every operation may answer, its {@code code} an enum
 * of the whole error catalogue. Committed as {@code docs/openapi.json}; a test keeps the two equal.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiContract {

    static final String PROBLEM = "Problem";

    private static final Map<String, String> SUCCESS = Map.of(
            "POST /api/v1/messages", "202",
            "POST /api/v1/consents", "201",
            "POST /api/v1/inbox/{messageId}/ack", "204");
    private static final Map<String, String> DESCRIPTIONS = Map.of("201", "Created", "202", "Accepted");
    /** Stable operation ids (generated clients' method names) and summaries; springdoc would number clashing names. */
    private static final Map<String, List<String>> NAMES = Map.ofEntries(
            Map.entry("POST /api/v1/messages", List.of("submitMessage", "Send a message (XML or JSON) to another participant")),
            Map.entry("GET /api/v1/messages/{messageId}", List.of("getMessageStatus", "A message's status and history")),
            Map.entry("GET /api/v1/inbox", List.of("listInbox", "Received messages not yet acknowledged")),
            Map.entry("GET /api/v1/inbox/{messageId}", List.of("fetchInboxMessage", "A received message (XML or JSON)")),
            Map.entry("POST /api/v1/inbox/{messageId}/ack", List.of("acknowledgeInboxMessage", "Acknowledge a received message")),
            Map.entry("POST /api/v1/consents", List.of("recordConsent", "Record a person's consent with its signed proof")),
            Map.entry("GET /api/v1/consents/{consentId}", List.of("getConsent", "A consent and its state")),
            Map.entry("POST /api/v1/consents/{consentId}/revocation", List.of("revokeConsent", "Revoke a consent and tell its recipients")),
            Map.entry("GET /api/v1/referrals", List.of("listReferrals", "Referrals and their lifecycle state")),
            Map.entry("GET /api/v1/resources", List.of("searchResources", "Social resources by category and commune")),
            Map.entry("GET /api/v1/resources/data-inclusion", List.of("exportDataInclusion", "Resources in the data·inclusion format")),
            Map.entry("POST /api/v1/resources/data-inclusion", List.of("importDataInclusion", "Publish resources in the data·inclusion format")),
            Map.entry("GET /api/v1/audit", List.of("searchAudit", "Search the audit log (officers)")),
            Map.entry("POST /api/v1/audit/search", List.of("searchAuditByForm", "Search the audit log, the filter in a form body (officers)")),
            Map.entry("GET /api/v1/audit/exchanges/{messageId}", List.of("getAuditExchange", "Every audited step of one exchange (officers)")),
            Map.entry("GET /api/v1/audit/verify", List.of("verifyAuditChain", "Verify the audit chain in place (officers)")),
            Map.entry("GET /api/v1/audit/export", List.of("exportAudit", "The audit log as JSON Lines with signed checkpoints (officers)")),
            Map.entry("POST /api/v1/audit/person-report", List.of("personReport", "Who received data about a person (officers)")),
            Map.entry("GET /api/v1/dead-letters", List.of("listDeadLetters", "Outbound messages whose delivery failed (officers)")),
            Map.entry("POST /api/v1/dead-letters/{messageId}/resubmit", List.of("resubmitDeadLetter", "Put a failed message back on the delivery queue (officers)")));

    @Bean
    OpenApiCustomizer liaisonContract() {
        return openApi -> {
            openApi.info(new Info().title("Liaison node, local API").version("v1")
                    .description("The API of a Liaison node for the institution's own software (docs/api.md). "
                            + "Errors are application/problem+json with a catalogue code (docs/errors.md)."));
            // Relative to where the document is served: each node's own local API.
            openApi.servers(List.of(new Server().url("/").description("this node's local API")));
            Components components = openApi.getComponents() == null ? new Components() : openApi.getComponents();
            components.addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                    .description("The local client's token (certs-dev/<ID>/local-client.token in development)"));
            components.addSchemas(PROBLEM, problem());
            openApi.components(components);
            openApi.addSecurityItem(new SecurityRequirement().addList("bearer"));
            ApiResponse error = new ApiResponse().description("Refused: problem details with the catalogue code")
                    .content(new Content().addMediaType("application/problem+json",
                            new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
            components.addSecuritySchemes("officer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")
                    .description("A security officer (HTTP Basic) for the audit log and the dead letters"));
            if (openApi.getPaths() != null) {
                openApi.getPaths().forEach((name, path) -> path.readOperationsMap().forEach((method, operation) -> {
                    operation.getResponses().remove("400");
                    operation.getResponses().remove("500");
                    // The success status these operations answer with, which springdoc cannot read from a ResponseEntity.
                    String success = SUCCESS.get(method + " " + name);
                    if (success != null && operation.getResponses().containsKey("200")) {
                        ApiResponse ok = operation.getResponses().remove("200");
                        operation.getResponses().addApiResponse(success, "204".equals(success)
                                ? new ApiResponse().description("No Content") : ok.description(DESCRIPTIONS.get(success)));
                    }
                    if (name.startsWith("/api/v1/audit") || name.startsWith("/api/v1/dead-letters")) {
                        operation.setSecurity(List.of(new SecurityRequirement().addList("officer")));
                    }
                    // Content negotiation is the responses' media types; OpenAPI ignores an Accept parameter.
                    if (operation.getParameters() != null) {
                        operation.getParameters().removeIf(parameter -> "header".equals(parameter.getIn())
                                && "Accept".equalsIgnoreCase(parameter.getName()));
                    }
                    List<String> names = NAMES.get(method + " " + name);
                    if (names != null) {
                        operation.operationId(names.get(0)).summary(names.get(1));
                    }
                    describeMessages(method + " " + name, operation);
                    operation.getResponses().addApiResponse("4XX", error);
                    operation.getResponses().addApiResponse("5XX", error);
                }));
            }
        };
    }

    /**
     * The messages and consents travel as documents, which the controllers read and write as bytes
     * (springdoc would declare base64 strings): XML as text of the message schema, JSON as an object
     * of its JSON mapping; and the few JSON answers built by hand, described as they are.
     */
    private static void describeMessages(String operationName, Operation operation) {
        switch (operationName) {
            case "POST /api/v1/messages", "POST /api/v1/consents" -> documents(operation.getRequestBody().getContent());
            case "POST /api/v1/consents/{consentId}/revocation" -> operation.requestBody(new RequestBody().required(false).content(new Content().addMediaType(
                    "application/json", new MediaType().schema(new ObjectSchema().description("Optional; no body is no reason")
                            .addProperty("reason", new StringSchema().maxLength(500).description("Why the consent is revoked"))))));
            case "GET /api/v1/inbox/{messageId}" -> documents(operation.getResponses().get("200").getContent());
            default -> {
                return;
            }
        }
        if ("POST /api/v1/messages".equals(operationName)) {
            ObjectSchema accepted = new ObjectSchema();
            accepted.addProperty("messageId", new StringSchema().format("uuid"));
            accepted.addProperty("status", new StringSchema().example("ACCEPTED"));
            accepted.addProperty("location", new StringSchema().description("Where its status is read"));
            accepted.setRequired(List.of("messageId", "status"));
            operation.getResponses().get("202").content(new Content().addMediaType("application/json", new MediaType().schema(accepted)));
        }
    }

    private static void documents(Content content) {
        // A media type of its own for each (springdoc may share one between them).
        content.replaceAll((type, media) -> new MediaType().schema(type.contains("json")
                ? new ObjectSchema().description("A message of schema v1 in its JSON mapping (docs/api.md)")
                : new StringSchema().description("An XML document of schema v1 (namespace urn:liaison:messages:v1, "
                        + "schemas/src/main/resources/xsd/v1)")));
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema<?> problem() {
        StringSchema code = new StringSchema();
        code.setEnum(Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList());
        code.description("Code of the error catalogue (docs/errors.md)");
        ObjectSchema problem = new ObjectSchema();
        problem.description("RFC 9457 problem details with the catalogue code");
        problem.addProperty("type", new StringSchema().example("urn:liaison:error:GW-CONSENT-004"));
        problem.addProperty("title", new StringSchema());
        problem.addProperty("status", new IntegerSchema());
        problem.addProperty("detail", new StringSchema());
        problem.addProperty("instance", new StringSchema());
        problem.addProperty("code", code);
        problem.setRequired(List.of("type", "title", "status", "code"));
        return problem;
    }
}
