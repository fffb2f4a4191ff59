package io.kindling.scheduler.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds where a task is written in a pipeline file's text, for messages about it that come after parsing. */
final class TaskLines {
    private TaskLines() {}

    /** The 1-based line of the task's {@code id:} entry; 1 when it cannot be found. */
    static int of(String source, String taskId) {
        Matcher m = Pattern.compile("(?m)^[ \\t-]*id:[ \\t]*['\"]?" + Pattern.quote(taskId) + "['\"]?[ \\t]*(#.*)?$")
                .matcher(source);
        if (!m.find()) {
            return 1;
        }
        int line = 1;
        for (int i = 0; i < m.start(); i++) {
            if (source.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
