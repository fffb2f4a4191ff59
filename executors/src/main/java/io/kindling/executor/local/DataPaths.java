package io.kindling.executor.local;

import io.kindling.executor.guard.SparkGuard;
import io.kindling.executor.guard.SqlGuardException;
import org.apache.spark.sql.SparkSession;

/**
 * A task's input and output paths against the SQL guard's allowed roots, checked before Spark lists, reads or
 * writes anything (Spark infers an input's schema when it is registered, long before a plan is checked).
 */
final class DataPaths {
    private DataPaths() {}

    /** @param what names the task's input or output in the error */
    static void check(SparkSession spark, String resolvedPath, String what) throws AttemptFailure {
        try {
            SparkGuard.settings(spark).checkPath(resolvedPath, what + " path");
        } catch (SqlGuardException e) {
            throw new AttemptFailure(e.getMessage(), e);
        }
    }
}
