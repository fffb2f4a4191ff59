package io.kindling.bench.peers;

import java.nio.file.Path;
import java.util.List;

/** The peers {@code --peers} knows. */
public final class Peers {
    public static final List<String> NAMES = List.of("airflow", "dagster", "prefect");

    private Peers() {}

    /** A peer by name, installed under {@code peersDir/<name>}; PostgreSQL (JDBC URL) for Airflow. */
    public static Peer create(String name, Path peersDir, String postgresJdbc) {
        return switch (name) {
            case "airflow" -> new AirflowPeer(peersDir, postgresJdbc);
            case "dagster" -> new DagsterPeer(peersDir);
            case "prefect" -> new PrefectPeer(peersDir);
            default -> throw new IllegalArgumentException("unknown peer " + name + "; peers are " + NAMES);
        };
    }
}
