package io.anomalykit.server.http;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anomalykit.model.ErrorCause;
import io.anomalykit.model.ErrorResponse;
import io.anomalykit.model.SimpleErrorResponse;
import io.anomalykit.model.json.ModelJson;
import io.anomalykit.server.error.EsException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The error bodies {@link Responses} writes have the shape of the spec's {@code ErrorResponse} and
 * {@code SimpleErrorResponse}: read into the generated models and written again, every body comes back byte for
 * byte. A key the spec does not declare where the server writes it, a key out of the spec's order, or a value of
 * another type than the spec's makes the bytes differ.
 */
class ErrorBodyContractTest {

    private static final ObjectMapper MODELS = ModelJson.newMapper();

    static Stream<Arguments> objectErrors() {
        EsException shardFailure = EsException.of(400, "parse_exception", "failed to parse date field [x]")
                .withMetadata("index", ".ml-anomalies-shared");
        EsException challenged = EsException.of(401, "security_exception", "missing authentication credentials")
                .withHeader("WWW-Authenticate", "Basic realm=\"security\", charset=\"UTF-8\"")
                .withHeader("WWW-Authenticate", "ApiKey");
        EsException oneHeader = EsException.of(401, "security_exception", "unable to authenticate")
                .withHeader("WWW-Authenticate", "ApiKey");
        return Stream.of(
                Arguments.of("illegal argument", EsException.illegalArgument("request [x] contains unknown parameter"), false),
                Arguments.of("job not found", EsException.jobNotFound("nope"), false),
                Arguments.of("search failure with root cause and metadata", EsException.searchFailure(shardFailure), false),
                Arguments.of("parse error with a cause", EsException.parse(1, 2, "unknown field [x]",
                        EsException.illegalArgument("inner")), false),
                Arguments.of("index not found", EsException.of(404, "index_not_found_exception", "no such index [i]")
                        .withMetadata("resource.type", "index_or_alias").withMetadata("resource.id", "i")
                        .withMetadata("index", "i"), false),
                Arguments.of("repeated challenge headers", challenged, false),
                Arguments.of("one challenge header", oneHeader, false),
                Arguments.of("with error_trace", EsException.searchFailure(shardFailure), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("objectErrors")
    void anErrorObjectBodyIsTheSpecsErrorResponse(String name, EsException error, boolean trace) throws Exception {
        String written = Responses.JSON.writeValueAsString(Responses.body(error, trace));

        ErrorResponse model = MODELS.readValue(written, ErrorResponse.class);

        assertThat(model.getStatus()).isEqualTo(error.status());
        assertThat(model.getError().getType()).isEqualTo(error.type());
        assertThat(model.getError().getRootCause()).as("root causes").isNotEmpty();
        assertThat(ModelJson.writer().writeValueAsString(model)).as("%s through ErrorResponse", written)
                .isEqualTo(written);
    }

    @ParameterizedTest(name = "status {0}")
    @MethodSource("stringShapes")
    void aStringErrorBodyIsTheSpecsSimpleErrorResponse(boolean withStatus) throws Exception {
        EsException error = withStatus ? EsException.bareString(405, "Incorrect HTTP method for uri [/x] and method [PUT]")
                : EsException.bareStringWithoutStatus(400, "no handler found for uri [/x] and method [GET]");
        String written = Responses.JSON.writeValueAsString(Responses.body(error, false));

        SimpleErrorResponse model = MODELS.readValue(written, SimpleErrorResponse.class);

        assertThat(model.getError()).isEqualTo(error.reason());
        assertThat(model.getStatus()).isEqualTo(withStatus ? Integer.valueOf(error.status()) : null);
        assertThat(ModelJson.writer().writeValueAsString(model)).isEqualTo(written);
    }

    static List<Boolean> stringShapes() {
        return List.of(true, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("objectErrors")
    void everyKeyOfACauseIsDeclaredOrTheErrorsOwnMetadata(String name, EsException error, boolean trace) {
        JsonNode cause = Responses.body(error, trace).get("error");
        List<String> declared = List.of(ErrorCause.class.getAnnotation(JsonPropertyOrder.class).value());
        cause.fieldNames().forEachRemaining(key -> assertThat(declared.contains(key)
                || error.metadata().containsKey(key)).as("key '%s' of %s", key, cause).isTrue());
    }
}
