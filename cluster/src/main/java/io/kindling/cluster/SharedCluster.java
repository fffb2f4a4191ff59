package io.kindling.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One local cluster per JVM for integration tests: started on first use on free ports (so it never collides with
 * a cluster bin/kindling-cluster runs on the default ones), stopped when the JVM exits. Its state folder is {@code target/kindling-cluster-<pid>} of the working folder. Same code as
 * bin/kindling-cluster.
 */
public final class SharedCluster {
    private static LocalCluster cluster;

    private SharedCluster() {}

    public static synchronized LocalCluster get() {
        if (cluster == null) {
            try {
                LocalCluster started = onFreePorts(Files.createDirectories(Path.of(
                        "target", "kindling-cluster-" + ProcessHandle.current().pid())));
                Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "kindling-cluster-stop"));
                started.start(Duration.ofMinutes(3));
                cluster = started;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cluster;
    }

    /** A cluster (not started) with its state in {@code stateDir}, on ports free right now. */
    public static LocalCluster onFreePorts(Path stateDir) {
        try {
            int[] ports = freePorts(6);
            // The tests keep their files in temporary folders: the Connect server's SQL guard allows them.
            ClusterSettings defaults = ClusterSettings.defaults(stateDir);
            List<String> roots = new ArrayList<>(defaults.allowedRoots());
            roots.add(System.getProperty("java.io.tmpdir"));
            return new LocalCluster(defaults.withPorts(ports[0], ports[1], ports[2], ports[3], ports[4], ports[5])
                    .withAllowedRoots(roots));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] freePorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        int[] ports = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
        return ports;
    }
}
