package io.kindling.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kindling.bench.peers.Peer;
import io.kindling.bench.peers.PeerWorkloads;
import io.kindling.bench.peers.Peers;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bin/kindling bench --peers airflow,dagster,prefect}: the same workloads ({@link PeerWorkloads}) on Kindling
 * and on each peer, one system after the other (each installed, started, measured and stopped), then one table with
 * a column per system; results.json gets every figure with its {@code system}.
 */
final class PeerBench {
    static final List<String> NAMES = names();

    private PeerBench() {}

    private static List<String> names() {
        List<String> names = new ArrayList<>(List.of(Metric.KINDLING));
        names.addAll(Peers.NAMES);
        return names;
    }

    static List<Metric> run(BenchMain.Options o, PrintStream out) throws IOException {
        Files.createDirectories(o.out());
        Path root = o.examples().getParent();
        Path work = Files.createTempDirectory("kindling-bench-peers-");
        RunFacts facts = RunFacts.now(root);
        long t0 = System.nanoTime();
        out.println("kindling bench --peers " + String.join(",", o.peers()) + ": " + facts.line() + "; work folder "
                + work);
        // Kindling is always measured, unless --peers-without-kindling (to try a peer's adapter alone)
        List<String> systems = new ArrayList<>(o.peersWithoutKindling() ? List.of() : List.of(Metric.KINDLING));
        o.peers().stream().filter(p -> !p.equals(Metric.KINDLING)).forEach(systems::add);
        List<Metric> metrics = new ArrayList<>();
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, Map<String, Object>> how = new LinkedHashMap<>();
        for (String system : systems) {
            long s0 = System.nanoTime();
            Peer peer = system.equals(Metric.KINDLING)
                    ? new KindlingPeer(Files.createDirectories(work.resolve("kindling")))
                    : Peers.create(system, root.resolve("target/bench/peers"), o.postgresUrl());
            labels.put(peer.name(), peer.label());
            out.println(peer.label() + "...");
            Thread hook = new Thread(peer::close);
            Runtime.getRuntime().addShutdownHook(hook);
            metrics.addAll(PeerWorkloads.measure(peer, o.peerSizes(), out));
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook stops the system
            }
            how.put(peer.name(), Map.of("label", peer.label(), "how", peer.how()));
            out.printf(Locale.ROOT, "  (%.0f s)%n", (System.nanoTime() - s0) / 1e9);
        }
        out.println();
        out.print(PeerWorkloads.table(metrics, labels));
        out.println();
        for (Metric m : metrics) {
            if (m.value() != null) {
                out.println("- " + labels.get(m.system()) + ", " + m.name() + ": " + m.note());
            }
        }
        how.forEach((system, h) -> out.println("- " + h.get("label") + ": " + h.get("how")));
        out.printf(Locale.ROOT, "total %.1f min%n", (System.nanoTime() - t0) / 60e9);
        Path json = o.out().resolve("results.json");
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(
                        json.toFile(),
                        Map.of("metrics", metrics, "runs", 1, "machine", facts.withLoadNow(), "systems", how));
        out.println("written to " + json.toAbsolutePath());
        return metrics;
    }
}
