package io.kindling.executor.guard;

import org.apache.spark.sql.SparkSessionExtensions;
import scala.Function1;
import scala.runtime.BoxedUnit;

/**
 * Kindling's Spark session extension ({@code spark.sql.extensions=io.kindling.executor.guard.SparkGuardExtension}):
 * refuses SQL that runs code or shell commands, reads or writes outside the allowed roots, or changes the guard's
 * settings. Every session of the application gets it, {@code newSession()} ones included; each reads its own
 * {@link SparkGuard#ENABLED_KEY} and {@link SparkGuard#ROOTS_KEY} when it checks. See docs/spark-guard.md.
 */
public final class SparkGuardExtension implements Function1<SparkSessionExtensions, BoxedUnit> {

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        extensions.injectParser((session, parser) -> GuardedParser.wrap(session, parser));
        extensions.injectResolutionRule(SqlOnFilesRule::new);
        extensions.injectCheckRule(session -> plan -> {
            SparkGuard.Settings settings = SparkGuard.settings(session);
            if (settings.enabled()) {
                new PlanGuard(settings).check(plan);
            }
            return BoxedUnit.UNIT;
        });
        return BoxedUnit.UNIT;
    }
}
