package io.kindling.scheduler.support;

import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.util.JarLocation;
import io.kindling.scheduler.KindlingApplication;
import io.kindling.scheduler.KindlingConfiguration;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code bin/kindling} in-process, through Dropwizard's real command line. Commands print with System.out, so
 * it is captured from {@link #capture} until {@link #release}; registered with {@code @RegisterExtension}, around
 * each test.
 */
public final class KindlingCli implements BeforeEachCallback, AfterEachCallback {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;

    public void capture() {
        originalOut = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    public void release() {
        System.setOut(originalOut);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        capture();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        release();
    }

    /** Empties the captured output. */
    public void reset() {
        out.reset();
        err.reset();
    }

    /** Runs one command on fresh buffers; empty when it succeeded. */
    public Optional<Throwable> run(String... args) {
        out.reset();
        err.reset();
        KindlingApplication app = new KindlingApplication();
        Bootstrap<KindlingConfiguration> bootstrap = new Bootstrap<>(app);
        app.initialize(bootstrap);
        Cli cli = new Cli(
                new JarLocation(KindlingApplication.class),
                bootstrap,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return cli.run(args);
    }

    /**
     * A profile file, as {@code kindling login} writes it, holding {@code token} and no URL: commands given
     * {@code --profile} with it send the token to the {@code --url} they are given.
     */
    public static java.nio.file.Path profileWithToken(String token) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("kindling-profile-", "");
            java.nio.file.Files.writeString(file, "token=" + token + "\n");
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    public String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
