package io.kindling.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the Python peers share: a virtual environment of their own under {@code target/bench/peers/<name>/venv}
 * (python3 -m venv, then pip with pinned versions), their Python files copied from the bench's resources
 * ({@code peers/<name>/}), and their processes, each in its own session, killed as a tree by {@link #close}.
 */
abstract class PythonPeer implements Peer {
    final Path home;
    final Processes processes;
    PeerWorkloads.Sizes sizes;

    PythonPeer(Path peersDir) {
        this.home = peersDir.resolve(name()).toAbsolutePath();
        this.processes = new Processes(home.resolve("logs"));
    }

    /** pip's requirements, pinned. */
    abstract List<String> requirements();

    /** The distribution whose installed version is checked, and that version. */
    abstract String distribution();

    abstract String version();

    /** Files of resources peers/NAME/ to copy into the folder the system reads. */
    abstract List<String> files();

    Path venv() {
        return home.resolve("venv");
    }

    String bin(String command) {
        return venv().resolve("bin").resolve(command).toString();
    }

    @Override
    public String install() throws Exception {
        String found = installedVersion();
        if (version().equals(found)) {
            return label() + " found installed in " + venv() + " (" + String.join(" ", requirements()) + ")";
        }
        long t0 = System.nanoTime();
        delete(venv());
        Files.createDirectories(home);
        Path log = home.resolve("logs/install.log");
        Processes.run(List.of("python3", "-m", "venv", venv().toString()), Map.of(), home, log, 5);
        List<String> pip = new ArrayList<>(List.of(bin("pip"), "install", "--disable-pip-version-check"));
        pip.addAll(requirements());
        Processes.run(pip, Map.of(), home, log, 25);
        found = installedVersion();
        if (!version().equals(found)) {
            throw new IllegalStateException("pip installed " + distribution() + " " + found + ", not " + version());
        }
        return label() + " installed into " + venv() + " in " + Math.round((System.nanoTime() - t0) / 1e9) + " s ("
                + String.join(" ", requirements()) + ")";
    }

    private String installedVersion() {
        if (!Files.isExecutable(venv().resolve("bin/python"))) {
            return null;
        }
        try {
            return Processes.run(
                            List.of(
                                    bin("python"),
                                    "-c",
                                    "import importlib.metadata as m; print(m.version('" + distribution() + "'))"),
                            Map.of(),
                            home,
                            home.resolve("logs/version.log"),
                            2)
                    .strip();
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * A fresh folder {@code deploy} with the peer's Python files and workloads.json (the sizes they read), and no
     * state of an earlier run.
     */
    Path freshDeploy(PeerWorkloads.Sizes s) throws IOException {
        this.sizes = s;
        Path deploy = home.resolve("deploy");
        delete(deploy);
        delete(home.resolve("state"));
        delete(home.resolve("logs"));
        Files.createDirectories(deploy);
        Files.createDirectories(home.resolve("state"));
        for (String f : files()) {
            try (InputStream in = PythonPeer.class.getResourceAsStream("/peers/" + name() + "/" + f)) {
                if (in == null) {
                    throw new IllegalStateException("resource peers/" + name() + "/" + f + " not found");
                }
                Files.copy(in, deploy.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.writeString(
                deploy.resolve("workloads.json"),
                Http.JSON.writeValueAsString(Http.map("chain", s.chain(), "wide", s.wide(), "crons", s.crons())));
        return deploy;
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Waits for {@code ready} (polled every 50 ms) while the processes live; at most {@code seconds}. */
    void await(String what, int seconds, Check ready) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Exception last = null;
        while (System.nanoTime() < deadline) {
            String dead = processes.dead();
            if (dead != null) {
                throw new IllegalStateException(dead + " before " + what + "; see " + home.resolve("logs"));
            }
            try {
                if (ready.ok()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no " + what + " within " + seconds + " s" + (last == null ? "" : ": " + last)
                + "; see " + home.resolve("logs"));
    }

    interface Check {
        boolean ok() throws Exception;
    }

    @Override
    public List<ProcessHandle> processes() throws Exception {
        return processes.all();
    }

    @Override
    public void close() {
        processes.close();
    }

    /** An ISO-8601 time with an offset or Z (as the peers' APIs write them); null for null. */
    static Instant time(JsonNode n) {
        if (n == null || n.isNull() || n.asText().isEmpty()) {
            return null;
        }
        return OffsetDateTime.parse(n.asText()).toInstant();
    }

    /** Seconds since the epoch as a double (Dagster's times); null for null. */
    static Instant seconds(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        double s = n.asDouble();
        long whole = (long) Math.floor(s);
        return Instant.ofEpochSecond(whole, Math.round((s - whole) * 1e9));
    }
}
