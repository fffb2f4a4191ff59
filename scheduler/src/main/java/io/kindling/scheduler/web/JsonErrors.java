package io.kindling.scheduler.web;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Errors from servlet filters in the API's own shape, {@code {"code": ..., "message": ...}}. */
final class JsonErrors {
    private JsonErrors() {}

    /** {@code {"code": status}} alone: whether something is up, without saying more. */
    static void sendStatus(HttpServletResponse response, int status) throws IOException {
        byte[] bytes = ("{\"code\":" + status + "}").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    static void send(HttpServletResponse response, int code, String message) throws IOException {
        String body = "{\"code\":" + code + ",\"message\":\""
                + new String(JsonStringEncoder.getInstance().quoteAsString(message)) + "\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(code);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
