package io.kindling.executor.standalone;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The runner jar bundled in this module, written out once to {@code <workDir>/data/kindling-runner/} under a name
 * holding its content hash (so a new build never reuses an old file a worker may have cached by name).
 */
final class RunnerJar {
    private static final String RESOURCE = "kindling-runner.jar";

    private final Path workDir;
    private String uri;

    RunnerJar(Path workDir) {
        this.workDir = workDir;
    }

    /** The file: URI of the written jar. */
    synchronized String uri() {
        if (uri == null) {
            try (InputStream in = RunnerJar.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from kindling-executors-remote; build "
                            + "it with Maven, or set the executor's runnerJar option");
                }
                byte[] jar = in.readAllBytes();
                String hash = HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(jar), 0, 6);
                Path folder = Files.createDirectories(
                        workDir.toAbsolutePath().normalize().resolve("data").resolve("kindling-runner"));
                Path target = folder.resolve("kindling-runner-" + hash + ".jar");
                if (!Files.exists(target)) {
                    Path temp = Files.createTempFile(folder, "kindling-runner-", ".tmp");
                    Files.write(temp, jar);
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                uri = target.toUri().toString();
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot write the runner jar under " + workDir + ": " + e.getMessage(), e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return uri;
    }
}
