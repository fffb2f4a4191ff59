package io.kindling.executor.guard;

import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import scala.jdk.javaapi.CollectionConverters;

/**
 * With {@code spark.sql.runSQLOnFiles=false}, {@code SELECT * FROM text.`/etc/passwd`} already fails, but as
 * "table or view not found"; this resolution rule says why instead. It runs after Spark's own relation
 * lookup, so a real table in a namespace named like a format is not touched.
 */
final class SqlOnFilesRule extends Rule<LogicalPlan> {
    private final SparkSession session;

    SqlOnFilesRule(SparkSession session) {
        this.session = session;
    }

    @Override
    public LogicalPlan apply(LogicalPlan plan) {
        if (!SparkGuard.enabled(session)) {
            return plan;
        }
        plan.foreach(node -> {
            if (node instanceof UnresolvedRelation relation) {
                List<String> parts = CollectionConverters.asJava(relation.multipartIdentifier());
                if (parts.size() == 2 && looksLikePath(parts.get(1))) {
                    throw SqlGuardException.refuses(
                            "SQL on files (" + parts.get(0) + ".`" + parts.get(1) + "`)",
                            "it reads any file the daemon can; declare the file as an input of the task instead");
                }
            }
            return scala.runtime.BoxedUnit.UNIT;
        });
        return plan;
    }

    private static boolean looksLikePath(String name) {
        return name.contains("/") || name.contains("\\") || name.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*");
    }
}
