package io.kindling.executor.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.service.SparkConnectService;
import org.apache.spark.sql.connect.service.SparkConnectService$;

/**
 * The Spark driver of one Python attempt on a standalone cluster: a JVM the executor starts for the attempt, a
 * client-mode application of the master (its executors on the cluster) that serves the attempt's Python process
 * through a Spark Connect server on 127.0.0.1.
 *
 * <p>Its stdin carries one JSON line, {@code {"conf": {...}}} (the application's settings, the Connect token among
 * them, so it is never on a command line), and then stays open: its end means the daemon ended or let go, and the
 * driver stops its application and exits, so a daemon killed with SIGKILL leaves no driver behind. Once the server
 * listens, it prints {@code KINDLING-DRIVER {"port": ..., "app_id": ...}} on stdout. Settings given as {@code spark.*}
 * system properties (what spark-submit does with {@code --conf}, as the benchmark's figure 13 runs it) apply under
 * those of stdin.
 */
public final class PythonDriver {
    /** What starts the line that says the driver is ready. */
    public static final String READY = "KINDLING-DRIVER ";

    private PythonDriver() {}

    public static void main(String[] args) throws IOException {
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = stdin.readLine();
        if (line == null) {
            System.exit(2);
        }
        ObjectMapper json = new ObjectMapper();
        SparkConf conf = new SparkConf(); // spark.* system properties too, as spark-submit sets them
        json.readTree(line)
                .path("conf")
                .properties()
                .forEach(e -> conf.set(e.getKey(), e.getValue().asText()));
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        int status = 0;
        try {
            SparkConnectService.start(spark.sparkContext());
            JsonNode ready = json.createObjectNode()
                    .put("port", SparkConnectService$.MODULE$.server().getPort())
                    .put("app_id", spark.sparkContext().applicationId());
            PrintStream out = System.out;
            out.println(READY + json.writeValueAsString(ready));
            out.flush();
            while (stdin.read() >= 0) {
                // nothing more is sent: waits for the end of stdin
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            status = 1;
        } finally {
            spark.stop();
        }
        System.exit(status);
    }
}
