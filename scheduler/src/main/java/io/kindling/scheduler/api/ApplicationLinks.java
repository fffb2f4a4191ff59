package io.kindling.scheduler.api;

import io.kindling.executor.Executor;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/** Where people see an attempt's Spark application: each executor knows its own History Server or master UI. */
@FunctionalInterface
public interface ApplicationLinks {
    ApplicationLinks NONE = (executor, sparkAppId) -> Optional.empty();

    Optional<String> url(String executor, String sparkAppId);

    /** The executors' own links; an executor no longer configured gives none. */
    static ApplicationLinks of(Map<String, Executor> executors) {
        return (executor, sparkAppId) -> Optional.ofNullable(executors.get(executor))
                .flatMap(e -> e.applicationUrl(sparkAppId))
                .map(URI::toString);
    }
}
