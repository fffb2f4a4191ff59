package io.kindling.executor.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Python tasks' Connect server rests on, proved with the pinned pyspark-client: it sends the token over
 * plain loopback (to {@code localhost}), the server takes it, and refuses a wrong token or none. The server listens
 * on 127.0.0.1 only.
 */
class PythonConnectTokenTest {
    private static PythonConnect.Endpoint endpoint;
    private static String python;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        python = TestPython.interpreter();
        endpoint = PythonConnect.start(SharedSpark.spark(), line -> {});
    }

    /** Runs a client that counts spark.range(3) over {@code url}: its output, or the error's first line. */
    private static String count(String url) throws IOException, InterruptedException {
        Path script = dir.resolve("count-" + UUID.randomUUID() + ".py");
        Files.write(
                script,
                List.of(
                        "import sys",
                        "from pyspark.sql import SparkSession",
                        "try:",
                        "    spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()",
                        "    print('count', spark.range(3).count())",
                        "except Exception as e:",
                        "    print('refused', type(e).__name__, ' '.join(str(e).split())[:600])"),
                StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(python, script.toString(), url)
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    private static String url(String params) {
        return "sc://localhost:" + endpoint.port() + "/;session_id=" + UUID.randomUUID() + params;
    }

    @Test
    void theTokenGoesOverPlainLoopbackAndIsAccepted() throws Exception {
        assertThat(count(endpoint.url(UUID.randomUUID().toString()))).contains("count 3");
    }

    @Test
    void aWrongTokenIsRefused() throws Exception {
        String output = count(url(";token=not-the-token;user_id=" + PythonConnect.USER));

        assertThat(output).contains("refused").doesNotContain("count 3");
        assertThat(output).containsIgnoringCase("authentication");
    }

    @Test
    void noTokenIsRefused() throws Exception {
        assertThat(count(url(""))).contains("refused").doesNotContain("count 3");
    }

    @Test
    void theServerListensOnLoopbackOnlyWithALongRandomToken() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), endpoint.port()), 2_000);
            assertThat(socket.isConnected()).isTrue();
        }
        InetAddress outside = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> !a.isLoopbackAddress() && a instanceof java.net.Inet4Address)
                .findFirst()
                .orElse(null);
        if (outside != null) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(outside, endpoint.port()), 2_000);
                org.assertj.core.api.Assertions.fail("the Connect server answered on " + outside);
            } catch (IOException expected) {
                // refused: bound to 127.0.0.1
            }
        }
        assertThat(endpoint.token()).hasSizeGreaterThanOrEqualTo(40);
    }
}
