package io.kindling.executor.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kindling.executor.AttemptJson;
import io.kindling.executor.AttemptRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * What the cluster runner needs to run one attempt of a SQL or class task, as the single argument of its main
 * method: JSON, base64url-encoded so no shell, REST layer or Spark argument parsing can change it.
 *
 * @param workDir relative input and output paths resolve against it, on the cluster's file system
 */
public record RunnerArgs(AttemptRequest request, String workDir) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The runner's log goes to the driver's stderr; it has no file of its own. */
    private static final Path NO_LOG_FILE = Path.of("stderr");

    public String encode() {
        ObjectNode root = AttemptJson.encode(request);
        root.put("work_dir", workDir);
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RunnerArgs decode(String encoded) {
        JsonNode root;
        try {
            root = JSON.readTree(Base64.getUrlDecoder().decode(encoded));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the runner's argument is not an encoded task: " + e.getMessage(), e);
        }
        // spark_conf was applied when the driver was submitted
        return new RunnerArgs(
                AttemptJson.decode(root, Map.of(), NO_LOG_FILE),
                root.path("work_dir").asText());
    }

    /** For logs: never the whole encoded text. */
    @Override
    public String toString() {
        return "RunnerArgs[" + request.attemptId() + "]";
    }
}
