package io.kindling.executor.guard;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.internal.SQLConf;

/**
 * Kindling's guarded Spark session: the Spark settings that install {@link SparkGuardExtension} and tell it
 * what to allow. The settings travel as Spark conf, so a session created by {@code newSession()}, a cluster
 * driver and a Connect server read them the same way; SQL may not change them ({@code SET} is refused) and
 * neither may a task's {@code spark_conf} ({@link #refuseGuardSettings}).
 */
public final class SparkGuard {
    /** The value for {@code spark.sql.extensions}. */
    public static final String EXTENSION = SparkGuardExtension.class.getName();

    public static final String EXTENSIONS_KEY = "spark.sql.extensions";
    /** {@code false} turns the guard off for a session (the executor option {@code allowUnsafeSql}). */
    public static final String ENABLED_KEY = "spark.kindling.guard.enabled";
    /** Comma-separated folders and URI prefixes SQL may read and write. */
    public static final String ROOTS_KEY = "spark.kindling.guard.roots";

    public static final String RUN_SQL_ON_FILES_KEY = "spark.sql.runSQLOnFiles";
    private static final String PREFIX = "spark.kindling.guard.";
    private static final String WAREHOUSE_KEY = "spark.sql.warehouse.dir";

    private SparkGuard() {}

    /**
     * The settings for a session whose SQL runs for an executor: the extension (added to any already listed),
     * on or off, and its roots (workDir, then the allowed roots resolved against it).
     */
    public static Map<String, String> sparkConf(Path workDir, GuardOptions options, String extensions) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put(EXTENSIONS_KEY, withExtension(extensions));
        conf.putAll(sessionConf(workDir, options));
        return conf;
    }

    /** The settings Spark allows per session: on or off, roots, and SQL on files off while guarded. */
    public static Map<String, String> sessionConf(Path workDir, GuardOptions options) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put(ENABLED_KEY, Boolean.toString(!options.allowUnsafeSql()));
        conf.put(ROOTS_KEY, roots(workDir, options.allowedRoots()).asConf());
        conf.put(RUN_SQL_ON_FILES_KEY, Boolean.toString(options.allowUnsafeSql()));
        return conf;
    }

    /** {@code workDir} and the extra roots, relative ones resolved against it. */
    public static AllowedRoots roots(Path workDir, List<String> extra) {
        List<String> all = new ArrayList<>();
        all.add(workDir.toAbsolutePath().normalize().toString());
        all.addAll(extra);
        return AllowedRoots.of(all, workDir.toAbsolutePath());
    }

    /** {@code spark.sql.extensions} with the guard's extension added when missing. */
    public static String withExtension(String extensions) {
        List<String> listed = Arrays.stream(extensions == null ? new String[0] : extensions.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
        if (listed.contains(EXTENSION)) {
            return String.join(",", listed);
        }
        List<String> all = new ArrayList<>(listed);
        all.add(EXTENSION);
        return String.join(",", all);
    }

    /** Settings SQL and tasks may not change: the guard's own, SQL on files, the list of extensions. */
    public static boolean isGuardSetting(String key) {
        String k = key.strip().toLowerCase(Locale.ROOT);
        return k.startsWith(PREFIX)
                || k.equals(RUN_SQL_ON_FILES_KEY.toLowerCase(Locale.ROOT))
                || k.equals(EXTENSIONS_KEY);
    }

    /** Refuses a task's spark_conf that sets a guard setting, before Spark runs; {@code where} names the task. */
    public static void refuseGuardSettings(Map<String, String> sparkConf, String where) {
        TreeSet<String> refused = new TreeSet<>(
                sparkConf.keySet().stream().filter(SparkGuard::isGuardSetting).toList());
        if (!refused.isEmpty()) {
            throw new SqlGuardException("Kindling's SQL guard refuses " + where + " setting " + refused
                    + ": these are the guard's own settings (set allowUnsafeSql: true on the executor to turn it off)");
        }
    }

    /**
     * Registers the guard's own keys as static SQL settings, so that no session can change them through
     * {@code spark.conf.set} (a class task's or a Spark Connect client's); Kindling sets them per session with
     * {@link #setForSession}. Idempotent.
     */
    public static synchronized void registerSettings() {
        for (String key : List.of(ENABLED_KEY, ROOTS_KEY)) {
            if (!SQLConf.isStaticConfigKey(key)) {
                SQLConf.buildStaticConf(key)
                        .doc("Kindling's SQL guard (docs/spark-guard.md)")
                        .stringConf()
                        .createOptional();
            }
        }
    }

    /** Sets the guard's settings (and others) on one session, past the static-setting check users meet. */
    public static void setForSession(SparkSession spark, Map<String, String> settings) {
        registerSettings();
        SQLConf conf = ((org.apache.spark.sql.classic.SparkSession) spark)
                .sessionState()
                .conf();
        settings.forEach(conf::setConfString);
    }

    /** Whether the session was started with the extension (a static setting: too late to add afterwards). */
    public static boolean installed(SparkSession spark) {
        return Arrays.stream(spark.conf().get(EXTENSIONS_KEY, "").split(","))
                .map(String::strip)
                .anyMatch(EXTENSION::equals);
    }

    /** Fails when the guard is on for the session but Spark was started without the extension. */
    public static void requireInstalled(SparkSession spark) {
        if (enabled(spark) && !installed(spark)) {
            throw new SqlGuardException("Kindling's SQL guard is not installed in this Spark application: it was "
                    + "started without " + EXTENSIONS_KEY + "=" + EXTENSION + " (another component started Spark "
                    + "in this JVM first), so Kindling runs no SQL in it (set allowUnsafeSql: true on the executor "
                    + "to run it unguarded)");
        }
    }

    /** Whether the guard is on for the session: unless {@link #ENABLED_KEY} says {@code false}. */
    public static boolean enabled(SparkSession spark) {
        return !"false".equalsIgnoreCase(spark.conf().get(ENABLED_KEY, "true").strip());
    }

    /** The guard's settings as a session sees them; Spark's warehouse is always a root. */
    public static Settings settings(SparkSession spark) {
        boolean enabled = enabled(spark);
        Path cwd = Path.of("").toAbsolutePath();
        List<String> roots =
                new ArrayList<>(Arrays.stream(spark.conf().get(ROOTS_KEY, "").split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .toList());
        String warehouse = spark.conf().get(WAREHOUSE_KEY, "").strip();
        if (!warehouse.isEmpty()) {
            roots.add(warehouse);
        }
        return new Settings(enabled, AllowedRoots.of(roots, cwd), cwd);
    }

    /**
     * @param enabled whether the guard refuses anything
     * @param roots   where SQL may read and write
     * @param base    what relative paths in SQL resolve against: the JVM's working folder, as Hadoop does
     */
    public record Settings(boolean enabled, AllowedRoots roots, Path base) {
        /** Refuses {@code path} outside the roots; {@code what} says where it was found. */
        public void checkPath(String path, String what) {
            if (enabled && !roots.allows(path, base)) {
                throw new SqlGuardException("Kindling's SQL guard refuses " + what + " '" + path + "': it is "
                        + "outside the allowed roots " + roots.asConf() + " (add it to the executor's allowedRoots, "
                        + "or set allowUnsafeSql: true on the executor to allow any path)");
            }
        }
    }
}
