package io.kindling.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/kindling-cluster start|stop|status [STATE_DIR]} and {@code history [EVENT_LOG_DIR [STATE_DIR]]}. The
 * state folder (pid files, logs, SPARK_HOME, worker folders) is {@code data/cluster} by default; the History
 * Server's event log folder {@code data/spark-events}, where the shipped config.yml's executors write them.
 */
public final class LocalClusterCommand {

    private LocalClusterCommand() {}

    public static void main(String[] args) {
        boolean history = args.length >= 1 && args[0].equals("history");
        if (args.length < 1
                || args.length > (history ? 3 : 2)
                || !List.of("start", "stop", "status", "history").contains(args[0])) {
            System.err.println("usage: kindling-cluster start|stop|status [STATE_DIR]\n"
                    + "       kindling-cluster history [EVENT_LOG_DIR [STATE_DIR]]");
            System.exit(2);
        }
        int stateArg = history ? 2 : 1;
        Path stateDir = Path.of(args.length > stateArg ? args[stateArg] : "data/cluster")
                .toAbsolutePath();
        ClusterSettings settings = ClusterSettings.defaults(stateDir);
        String extraRoots = System.getenv().getOrDefault("KINDLING_CLUSTER_ALLOWED_ROOTS", "");
        if (!extraRoots.isBlank()) {
            List<String> roots = new ArrayList<>(settings.allowedRoots());
            Arrays.stream(extraRoots.split(","))
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .forEach(roots::add);
            settings = settings.withAllowedRoots(roots);
        }
        LocalCluster cluster = new LocalCluster(settings);
        switch (args[0]) {
            case "start" -> {
                System.out.println("starting a Spark master, worker and Connect server (logs in "
                        + stateDir.resolve("logs") + ")...");
                try {
                    cluster.start(Duration.ofMinutes(3));
                } catch (IllegalStateException e) {
                    System.err.println("kindling-cluster: " + e.getMessage());
                    System.exit(1);
                }
                printStatus(cluster.status());
            }
            case "history" -> {
                Path eventLogs =
                        Path.of(args.length > 1 ? args[1] : "data/spark-events").toAbsolutePath();
                System.out.println("starting a Spark History Server for " + eventLogs + "...");
                try {
                    cluster.startHistoryServer(eventLogs, Duration.ofMinutes(2));
                } catch (IllegalStateException e) {
                    System.err.println("kindling-cluster: " + e.getMessage());
                    System.exit(1);
                }
                System.out.println("history  " + cluster.status().get(LocalCluster.Component.HISTORY));
            }
            case "stop" -> {
                List<String> stopped = cluster.stop();
                System.out.println(stopped.isEmpty() ? "nothing was running" : "stopped " + String.join(", ", stopped));
            }
            default -> {
                Map<LocalCluster.Component, String> status = cluster.status();
                printStatus(status);
                System.exit(cluster.allRunning() ? 0 : 3);
            }
        }
    }

    private static void printStatus(Map<LocalCluster.Component, String> status) {
        status.forEach((component, text) ->
                System.out.printf("%-8s %s%n", component.name().toLowerCase(java.util.Locale.ROOT), text));
    }
}
