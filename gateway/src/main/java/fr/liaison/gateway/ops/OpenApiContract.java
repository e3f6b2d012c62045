package fr.liaison.gateway.ops;

import fr.liaison.schemas.error.ErrorCode;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

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

    @Bean
    OpenApiCustomizer liaisonContract() {
        return openApi -> {
            openApi.info(new Info().title("Liaison node, local API").version("v1")
                    .description("The API of a Liaison node for the institution's own software (docs/api.md). "
                            + "Errors are application/problem+json with a catalogue code (docs/errors.md)."));
            openApi.servers(List.of());
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
                    operation.getResponses().addApiResponse("4XX", error);
                    operation.getResponses().addApiResponse("5XX", error);
                }));
            }
        };
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
