package io.kindling.scheduler.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code webhook} (adnanh/webhook) as an independent receiver: started on a free loopback port with the
 * hooks a test writes (each runs a script the test writes too), and stopped on close. Skips the test, saying how to
 * install it, where it is missing.
 */
public final class DebianWebhook implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/webhook");

    private final Process process;
    private final int port;

    private DebianWebhook(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts it with {@code hooksJson} (written to {@code dir/hooks.json}) and waits until it listens. */
    public static DebianWebhook start(Path dir, String hooksJson) throws IOException {
        Assumptions.assumeTrue(
                Files.isExecutable(BINARY), "Debian's webhook receiver is not installed: apt-get install -y webhook");
        Path hooks = Files.writeString(dir.resolve("hooks.json"), hooksJson);
        int port = DaemonProcess.freePort();
        Process process = new ProcessBuilder(
                        BINARY.toString(),
                        "-hooks",
                        hooks.toString(),
                        "-ip",
                        "127.0.0.1",
                        "-port",
                        Integer.toString(port),
                        "-verbose")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("webhook.log").toFile())
                .start();
        DebianWebhook receiver = new DebianWebhook(process, port);
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(receiver::listening);
        return receiver;
    }

    /** The URL of the hook {@code id}. */
    public String url(String id) {
        return "http://127.0.0.1:" + port + "/hooks/" + id;
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
