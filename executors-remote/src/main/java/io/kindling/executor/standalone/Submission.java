package io.kindling.executor.standalone;

import java.util.List;
import java.util.Map;

/** What one attempt submits: an application jar, its main class and arguments, and Spark properties. */
record Submission(
        String executorName,
        String appResource,
        String mainClass,
        List<String> args,
        Map<String, String> sparkProperties,
        String describe) {
    Submission {
        args = List.copyOf(args);
        sparkProperties = Map.copyOf(sparkProperties);
    }
}
