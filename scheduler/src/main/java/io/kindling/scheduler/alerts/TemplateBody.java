package io.kindling.scheduler.alerts;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code template} format: the entry's Mustache body, rendered with the event's fields ({@code {{pipeline}}},
 * {@code {{#failed_tasks}}...{{/failed_tasks}}}), {@code {{summary.title}}}, {@code {{summary.task}}},
 * {@code {{summary.error}}} (as the other formats show them) and {@code {{{event_json}}}} (the whole event). How
 * {@code {{value}}} is escaped follows the Content-Type: JSON string content for a JSON body (so a quote in an error
 * cannot break it), HTML for HTML or XML, nothing otherwise; {@code {{{value}}}} is never escaped.
 */
final class TemplateBody {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final Mustache mustache;

    /** @throws com.github.mustachejava.MustacheException when the template does not compile (config checks it first) */
    TemplateBody(String template, String contentType) {
        requireNonNull(template, "template is null");
        this.mustache = factory(requireNonNull(contentType, "contentType is null"))
                .compile(new StringReader(template), "template");
    }

    String render(JsonNode event, String eventJson) {
        EventSummary e = EventSummary.of(event);
        Map<String, Object> scope = new LinkedHashMap<>(JSON.convertValue(event, MAP));
        scope.put(
                "summary", Map.of("title", e.title(), "headline", e.headline(), "task", e.task(), "error", e.error()));
        scope.put("event_json", eventJson);
        StringWriter out = new StringWriter();
        mustache.execute(out, scope);
        return out.toString();
    }

    private static DefaultMustacheFactory factory(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        if (type.contains("json")) {
            return new DefaultMustacheFactory() {
                @Override
                public void encode(String value, Writer writer) {
                    write(writer, new String(JsonStringEncoder.getInstance().quoteAsString(value)));
                }
            };
        }
        if (type.contains("html") || type.contains("xml")) {
            return new DefaultMustacheFactory(); // Mustache's own escaping is HTML's
        }
        return new DefaultMustacheFactory() {
            @Override
            public void encode(String value, Writer writer) {
                write(writer, value);
            }
        };
    }

    private static void write(Writer writer, String text) {
        try {
            writer.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
