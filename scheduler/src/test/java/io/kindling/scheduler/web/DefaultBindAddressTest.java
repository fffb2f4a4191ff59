package io.kindling.scheduler.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.kindling.scheduler.KindlingApplication;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.TestDirs;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The shipped config.yml listens on loopback only: other machines cannot reach either port. */
class DefaultBindAddressTest {
    private static final Path SHIPPED = TestDirs.repositoryRoot().resolve("config.yml");

    @Test
    void bothConnectorsBindLoopback() throws IOException {
        JsonNode server =
                new ObjectMapper(new YAMLFactory()).readTree(SHIPPED.toFile()).get("server");
        assertThat(server.get("applicationConnectors").get(0).get("bindHost").asText())
                .isEqualTo("127.0.0.1");
        assertThat(server.get("adminConnectors").get(0).get("bindHost").asText())
                .isEqualTo("127.0.0.1");
    }

    @Test
    void aNonLoopbackAddressOfThisMachineIsRefused() throws Exception {
        Optional<InetAddress> outside = nonLoopbackAddress();
        Assumptions.assumeTrue(outside.isPresent(), "this machine has no non-loopback address");
        Path work = Files.createTempDirectory("kindling-bind-");
        DropwizardTestSupport<KindlingConfiguration> daemon = new DropwizardTestSupport<>(
                KindlingApplication.class,
                SHIPPED.toString(),
                ConfigOverride.config("server.applicationConnectors[0].port", "0"),
                ConfigOverride.config("server.adminConnectors[0].port", "0"),
                ConfigOverride.config("database.url", "jdbc:sqlite:" + work.resolve("kindling.db")),
                ConfigOverride.config("workDir", work.toString()),
                ConfigOverride.config("logDir", work.resolve("logs").toString()),
                ConfigOverride.config(
                        "sources[0].path", work.resolve("pipelines").toString()),
                ConfigOverride.config("executors.local.options.stopSparkOnClose", "false"),
                ConfigOverride.config("executors.local.options.mode", "in-process"),
                ConfigOverride.config("logging.level", "WARN"));
        daemon.before();
        try {
            for (int port : new int[] {daemon.getLocalPort(), daemon.getAdminPort()}) {
                try (Socket loopback = new Socket()) {
                    loopback.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                }
                assertThatThrownBy(() -> {
                            try (Socket socket = new Socket()) {
                                socket.connect(new InetSocketAddress(outside.get(), port), 5000);
                            }
                        })
                        .as(outside.get() + ":" + port)
                        .isInstanceOf(ConnectException.class);
            }
        } finally {
            daemon.after();
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                    return Optional.of(address);
                }
            }
        }
        return Optional.empty();
    }
}
