package io.kindling.scheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.core.setup.Bootstrap;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code kindling login URL}: asks for a token (typed without echo, or one line on standard input, or
 * {@code $KINDLING_TOKEN}), checks it with the daemon, and saves URL and token in the profile (mode 0600) that the
 * other operator commands read.
 */
public class LoginCommand extends QuietCommand {

    public LoginCommand() {
        super("login", "Save a daemon's address and an API token for the operator's commands");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("url").metavar("URL").help("the daemon's address, e.g. http://127.0.0.1:8080");
        DaemonCommand.addProfileArgument(subparser);
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace ns) throws Exception {
        String url = ns.getString("url");
        String token = readToken();
        DaemonClient daemon = new DaemonClient(url, Optional.of(token), bootstrap.getObjectMapper());
        JsonNode me = daemon.get("/whoami");
        Path file = CliProfile.file(ns.getString("profile"), System.getenv());
        CliProfile.save(file, daemon.baseUrl(), token);
        System.out.println("signed in to " + daemon.baseUrl() + " as "
                + me.path("name").asText("?") + " (" + me.path("role").asText("?") + "); saved in " + file);
    }

    private static String readToken() throws IOException {
        String fromEnv = System.getenv(CliProfile.TOKEN_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        Console console = System.console();
        String token;
        if (console != null) {
            char[] typed = console.readPassword("token: ");
            token = typed == null ? null : new String(typed);
        } else {
            token = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        if (token == null || token.isBlank()) {
            throw new CommandFailedException("no token given: type it, pipe it on standard input or set $"
                    + CliProfile.TOKEN_ENV + " (the daemon printed an admin token at its first start)");
        }
        return token.strip();
    }
}
