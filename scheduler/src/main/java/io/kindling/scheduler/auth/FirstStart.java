package io.kindling.scheduler.auth;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The daemon's first credentials. There are no default credentials: on the first start (no token and no user in
 * the database) the daemon makes an admin token, writes it to a file only its user can read, and prints it once
 * with a sign-in link, as Jupyter does. Later starts find a token and print nothing.
 */
public final class FirstStart {
    private final TokenStore tokens;

    public FirstStart(TokenStore tokens) {
        this.tokens = tokens;
    }

    /** Stores the configured bootstrap token (automation's way in), if there is one. */
    public void bootstrap(String secret) {
        if (secret == null || secret.isBlank()) {
            return;
        }
        if (!Secrets.TOKEN_SHAPE.matcher(secret).matches()) {
            throw new IllegalArgumentException(
                    "auth.bootstrapToken must be one word of at least 24 characters of " + "A-Z a-z 0-9 _ . ~ + / = -");
        }
        tokens.ensure("bootstrap", secret, Role.ADMIN, "config");
    }

    /** On the first start only: a new admin token, written to {@code file} with mode 0600. */
    public Optional<String> adminToken(Path file) {
        if (!tokens.noCredentials()) {
            return Optional.empty();
        }
        String secret = tokens.create(
                        "admin (first start)", Role.ADMIN, Optional.empty(), Optional.empty(), "first start")
                .secret();
        write(file, secret);
        return Optional.of(secret);
    }

    /** Prints {@link #announce} to stdout once the server has started, with the API port's host and port. */
    public static void announceWhenStarted(Server server, String secret) {
        String host = "127.0.0.1";
        int port = -1;
        for (Connector connector : server.getConnectors()) {
            if (connector instanceof ServerConnector c && "application".equals(c.getName())) {
                port = c.getLocalPort();
                String bound = c.getHost();
                if (bound != null && !bound.isEmpty() && !bound.equals("0.0.0.0") && !bound.equals("::")) {
                    host = bound.contains(":") ? "[" + bound + "]" : bound;
                }
                break;
            }
        }
        announce(System.out, secret, host, port);
    }

    /** The two lines the first start prints: the token, and a link that signs the dashboard in with it. */
    public static void announce(PrintStream out, String secret, String host, int port) {
        out.println("admin token (shown once): " + secret);
        out.println("sign in: http://" + host + ":" + port + "/login?token=" + secret);
        out.flush();
    }

    private static void write(Path file, String secret) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.deleteIfExists(file);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                // created unreadable to others from the start, not chmod-ed after the secret is in it
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the admin token to " + file, e);
        }
    }
}
