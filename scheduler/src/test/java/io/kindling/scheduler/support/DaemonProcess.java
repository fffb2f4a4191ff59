package io.kindling.scheduler.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * The daemon in a JVM of its own ({@code KindlingApplication server config.yml}, on this test JVM's class path),
 * for tests that kill it as an operating system would: {@link #kill()} sends SIGKILL.
 */
public final class DaemonProcess {
    private final Process process;
    private final int port;

    private DaemonProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the daemon on {@code config} (whose API port is {@code port}) and waits until its API answers. */
    public static DaemonProcess start(Path config, int port, Path output) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        try {
            command.addAll(Arrays.asList(Files.readString(Path.of("target", "classes", "kindling-jvm-flags.txt"))
                    .strip().split("\\s+")));
            command.addAll(List.of("-Xmx1g", "-cp", System.getProperty("surefire.test.class.path",
                            System.getProperty("java.class.path")),
                    "io.kindling.scheduler.KindlingApplication", "server", config.toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
            DaemonProcess daemon = new DaemonProcess(process, port);
            Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError("the daemon exited with " + process.exitValue() + "; see " + output);
                }
                return daemon.answers();
            });
            return daemon;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String api(String path) {
        return "http://127.0.0.1:" + port + "/api/v1" + path;
    }

    /** SIGKILL: no shutdown hook, no executor close, nothing written on the way out. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    private boolean answers() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api("/pipelines")))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static int[] freePorts(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        int[] ports = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            for (ServerSocket socket : sockets) {
                socket.close();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
