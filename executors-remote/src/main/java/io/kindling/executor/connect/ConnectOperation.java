package io.kindling.executor.connect;

import static java.util.Objects.requireNonNull;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A Spark Connect attempt's remote id: what a restarted daemon needs to find the operation that runs the task's
 * current statement. Recorded before each statement's operation starts, as
 * {@code session=<uuid>;user=<user id>;operation=<uuid>;statement=<n>} ({@code n} counts from 1, as the attempt
 * log does; the user id URL-encoded): the server keys sessions by user and session id, and a task's statements
 * run as one operation each, in order, in the same session.
 */
record ConnectOperation(String sessionId, String userId, String operationId, int statement) {
    ConnectOperation {
        requireNonNull(sessionId, "sessionId is null");
        requireNonNull(userId, "userId is null");
        requireNonNull(operationId, "operationId is null");
        if (statement < 1) {
            throw new IllegalArgumentException("statement counts from 1, not " + statement);
        }
    }

    /** A new operation id, for the given statement of the session. */
    static ConnectOperation next(String sessionId, String userId, int statement) {
        return new ConnectOperation(sessionId, userId, UUID.randomUUID().toString(), statement);
    }

    String encode() {
        return "session=" + sessionId + ";user=" + URLEncoder.encode(userId, StandardCharsets.UTF_8) + ";operation="
                + operationId + ";statement=" + statement;
    }

    /** @throws IllegalArgumentException when {@code remoteId} is not one {@link #encode} wrote */
    static ConnectOperation parse(String remoteId) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : remoteId.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        try {
            String session =
                    UUID.fromString(required(fields, "session", remoteId)).toString();
            String operation =
                    UUID.fromString(required(fields, "operation", remoteId)).toString();
            return new ConnectOperation(
                    session,
                    URLDecoder.decode(required(fields, "user", remoteId), StandardCharsets.UTF_8),
                    operation,
                    Integer.parseInt(required(fields, "statement", remoteId)));
        } catch (IllegalArgumentException e) { // also NumberFormatException
            throw new IllegalArgumentException(
                    "'" + remoteId + "' is not a Spark Connect operation id of Kindling"
                            + " (session=<uuid>;user=<id>;operation=<uuid>;statement=<n>): " + e.getMessage(),
                    e);
        }
    }

    private static String required(Map<String, String> fields, String key, String remoteId) {
        String value = fields.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("no " + key);
        }
        return value;
    }
}
