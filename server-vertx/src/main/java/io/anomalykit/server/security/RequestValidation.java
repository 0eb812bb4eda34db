package io.anomalykit.server.security;

import io.anomalykit.server.error.EsException;

import java.util.List;

/** {@code ActionRequestValidationException}: every error a request's {@code validate} found, numbered, in one 400. */
final class RequestValidation {

    private RequestValidation() {
    }

    static void failIfAny(List<String> errors) {
        if (!errors.isEmpty()) {
            StringBuilder reason = new StringBuilder("Validation Failed: ");
            for (int i = 0; i < errors.size(); i++) {
                reason.append(i + 1).append(": ").append(errors.get(i)).append(';');
            }
            throw EsException.of(400, "action_request_validation_exception", reason.toString());
        }
    }
}
