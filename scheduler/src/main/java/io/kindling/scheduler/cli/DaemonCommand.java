package io.kindling.scheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * An operator's command against a running daemon: {@code --url} and the token as {@link CliProfile} finds them,
 * and {@code --json} to print the daemon's JSON answer instead of lines for people.
 */
abstract class DaemonCommand extends QuietCommand {
    private ObjectMapper json;

    DaemonCommand(String name, String description) {
        super(name, description);
    }

    static void addUrlArgument(Subparser subparser) {
        subparser
                .addArgument("--url")
                .metavar("URL")
                .help("the daemon's address: default $" + CliProfile.URL_ENV
                        + ", else the one 'kindling login' saved, else " + CliProfile.DEFAULT_URL);
        addProfileArgument(subparser);
    }

    static void addProfileArgument(Subparser subparser) {
        subparser
                .addArgument("--profile")
                .metavar("FILE")
                .help("the profile 'kindling login' writes: default $" + CliProfile.PROFILE_ENV
                        + ", else ~/.config/kindling/profile");
    }

    static CliProfile profile(Namespace ns) {
        return CliProfile.resolve(ns.getString("url"), ns.getString("profile"), System.getenv());
    }

    @Override
    public void configure(Subparser subparser) {
        arguments(subparser);
        addCommonArguments(subparser);
    }

    /** {@code --url}, {@code --profile} and {@code --json}; a command with actions adds them to each action. */
    static void addCommonArguments(Subparser subparser) {
        addUrlArgument(subparser);
        subparser
                .addArgument("--json")
                .action(Arguments.storeTrue())
                .help("print the daemon's JSON answer (one JSON document per line when following)");
    }

    @Override
    public final void run(Bootstrap<?> bootstrap, Namespace ns) throws Exception {
        json = bootstrap.getObjectMapper();
        run(new DaemonClient(profile(ns), json), ns, Boolean.TRUE.equals(ns.getBoolean("json")));
    }

    abstract void arguments(Subparser subparser);

    abstract void run(DaemonClient daemon, Namespace ns, boolean asJson) throws Exception;

    /** One JSON document on one line, so that {@code --json} output pipes into jq line by line. */
    final void printJson(JsonNode node) throws Exception {
        System.out.println(json.writeValueAsString(node));
    }
}
