package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A task rendered for one attempt: its body and spark_conf with real secret values, the body again with every
 * secret as {@value Secrets#MASK} (what may be stored and shown), and the secret values it used (what the
 * attempt's logs and errors must mask).
 */
public record RenderedTask(TaskBody body, Map<String, String> sparkConf, TaskBody masked, Set<String> secretValues) {
    public RenderedTask {
        requireNonNull(body, "body is null");
        sparkConf = Map.copyOf(sparkConf);
        requireNonNull(masked, "masked is null");
        secretValues = Set.copyOf(secretValues);
    }

    /**
     * @param context the run's context; its own secret store is replaced by {@code store}
     * @throws IllegalArgumentException when a template names nothing or a secret is not set
     */
    public static RenderedTask of(Task task, TemplateContext context, Secrets store) {
        Set<String> used = new LinkedHashSet<>();
        TemplateContext real = context.withSecrets(name -> {
            String value = store.value(name);
            used.add(value);
            return value;
        });
        TaskBody body = task.body().render(real);
        Map<String, String> sparkConf = Templates.renderValues(task.sparkConf(), v -> Templates.render(v, real));
        TaskBody masked = task.body().render(context.withSecrets(Secrets.MASKED));
        return new RenderedTask(body, sparkConf, masked, used);
    }
}
