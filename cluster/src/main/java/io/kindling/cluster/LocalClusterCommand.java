package io.kindling.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/kindling-cluster start|stop|status}. The state folder (pid files, logs, SPARK_HOME, worker folders)
 * is the first argument after the command's word, {@code data/cluster} by default.
 */
public final class LocalClusterCommand {

    private LocalClusterCommand() {}

    public static void main(String[] args) {
        if (args.length < 1
                || args.length > 2
                || !List.of("start", "stop", "status").contains(args[0])) {
            System.err.println("usage: kindling-cluster start|stop|status [STATE_DIR]");
            System.exit(2);
        }
        Path stateDir = Path.of(args.length == 2 ? args[1] : "data/cluster").toAbsolutePath();
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
