package io.kindling.scheduler.auth;

import static io.kindling.scheduler.support.RawHttp.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kindling.scheduler.support.DaemonProcess;
import io.kindling.scheduler.support.RawHttp;
import io.kindling.scheduler.support.TestDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real daemon process on an empty database prints its admin token once, and only then. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class FirstStartTest {
    @Test
    void theFirstStartPrintsAnAdminTokenOnceAndWritesItForItsUserOnly(@TempDir Path work) throws Exception {
        Path pipelines = Files.createDirectories(work.resolve("pipelines"));
        TestDirs.copyTree(TestDirs.resource("pipelines/shared"), pipelines);
        int port = DaemonProcess.freePort();
        Path config = DaemonProcess.writeConfig(
                work,
                "config.yml",
                "jdbc:sqlite:" + work.resolve("kindling.db"),
                pipelines,
                port,
                "first-start",
                "3s",
                "20s");
        Path log = work.resolve("daemon.log");

        DaemonProcess first = DaemonProcess.start(config, port, log, false);
        String line = await().atMost(Duration.ofSeconds(30))
                .until(() -> lines(log, "admin token (shown once): "), found -> found.size() == 1)
                .get(0);
        String token = line.substring("admin token (shown once): ".length());
        assertThat(token).matches("kdl_[A-Za-z0-9_-]{43}");
        assertThat(await().atMost(Duration.ofSeconds(10)).until(() -> lines(log, "sign in: "), l -> l.size() == 1))
                .containsExactly("sign in: http://127.0.0.1:" + port + "/login?token=" + token);

        Path file = work.resolve("admin-token");
        assertThat(Files.readString(file).strip()).isEqualTo(token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(RawHttp.get(first.api("/pipelines")).statusCode()).isEqualTo(401);
        assertThat(RawHttp.get(first.api("/whoami"), bearer(token)).body()).contains("\"role\":\"admin\"");
        first.stop(Duration.ofSeconds(60));

        DaemonProcess second = DaemonProcess.start(config, port, log, false);
        assertThat(RawHttp.get(second.api("/pipelines"), bearer(token)).statusCode())
                .isEqualTo(200);
        second.stop(Duration.ofSeconds(60));
        // stopped cleanly, so its start-up is over: it printed no second token
        assertThat(lines(log, "admin token")).hasSize(1);
        assertThat(lines(log, "sign in: ")).hasSize(1);
    }

    private static List<String> lines(Path log, String prefix) throws java.io.IOException {
        return Files.readAllLines(log).stream()
                .filter(l -> l.startsWith(prefix))
                .toList();
    }
}
