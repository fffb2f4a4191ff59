package io.kindling.scheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import net.sourceforge.argparse4j.inf.Subparsers;

/**
 * {@code kindling token create|list|revoke}: API tokens of a running daemon (an admin's token is needed). A new
 * token is printed once; the daemon keeps only its hash.
 */
public class TokenCommand extends DaemonCommand {

    public TokenCommand() {
        super("token", "Create, list or revoke API tokens on a running daemon (admin)");
    }

    @Override
    public void configure(Subparser subparser) {
        arguments(subparser); // the common arguments go to each action, so they may follow it
    }

    @Override
    void arguments(Subparser subparser) {
        Subparsers actions = subparser.addSubparsers().dest("action").metavar("ACTION");
        Subparser create = actions.addParser("create").help("create a token and print it once");
        create.addArgument("--role")
                .required(true)
                .choices("viewer", "operator", "admin")
                .help("viewer reads; operator also triggers, cancels, pauses, repairs, backfills; admin also "
                        + "manages tokens and users");
        create.addArgument("--pipelines")
                .metavar("PATTERN")
                .help("restrict the token to pipelines whose id matches this pattern (e.g. 'sales_*')");
        create.addArgument("--name").metavar("NAME").help("what the token is for (shown in the audit log)");
        create.addArgument("--expires-in").metavar("DURATION").help("e.g. 30d or 12h (default: never)");
        Subparser list = actions.addParser("list").help("list tokens (never their values)");
        Subparser revoke = actions.addParser("revoke").help("revoke a token at once");
        revoke.addArgument("id").metavar("ID").help("the token's id, as 'token list' shows it");
        for (Subparser action : new Subparser[] {create, list, revoke}) {
            addCommonArguments(action);
        }
    }

    @Override
    void run(DaemonClient daemon, Namespace ns, boolean asJson) throws Exception {
        switch (ns.getString("action")) {
            case "create" -> create(daemon, ns, asJson);
            case "list" -> list(daemon, asJson);
            case "revoke" -> {
                JsonNode revoked = daemon.post("/tokens/" + DaemonClient.segment(ns.getString("id")) + "/revoke", null);
                if (asJson) {
                    printJson(revoked);
                } else {
                    System.out.println("token " + ns.getString("id") + " revoked");
                }
            }
            default -> throw new CommandFailedException("unknown action " + ns.getString("action"));
        }
    }

    private void create(DaemonClient daemon, Namespace ns, boolean asJson) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("role", ns.getString("role"));
        putIfSet(body, "name", ns.getString("name"));
        putIfSet(body, "pipelines", ns.getString("pipelines"));
        putIfSet(body, "expires_in", ns.getString("expires_in"));
        JsonNode created = daemon.post("/tokens", body);
        if (asJson) {
            printJson(created);
            return;
        }
        System.out.println("token " + created.path("id").asText() + " ("
                + created.path("role").asText()
                + (created.hasNonNull("pipelines")
                        ? ", pipelines " + created.get("pipelines").asText()
                        : "")
                + (created.hasNonNull("expires_at")
                        ? ", expires " + created.get("expires_at").asText()
                        : "")
                + "), shown once:");
        System.out.println(created.path("token").asText());
    }

    private void list(DaemonClient daemon, boolean asJson) throws Exception {
        JsonNode answer = daemon.get("/tokens");
        if (asJson) {
            printJson(answer);
            return;
        }
        JsonNode tokens = answer.isArray() ? answer : answer.path("tokens");
        String format = "%-28s %-20s %-9s %-14s %-24s %-24s %s%n";
        System.out.printf(format, "ID", "NAME", "ROLE", "PIPELINES", "EXPIRES", "LAST USED", "REVOKED");
        for (JsonNode t : tokens) {
            System.out.printf(
                    format,
                    t.path("id").asText(),
                    t.path("name").asText("-"),
                    t.path("role").asText(),
                    t.path("pipelines").asText("*"),
                    t.path("expires_at").asText("never"),
                    t.path("last_used_at").asText("-"),
                    t.path("revoked_at").asText("-"));
        }
    }

    private static void putIfSet(Map<String, Object> body, String key, String value) {
        if (value != null && !value.isBlank()) {
            body.put(key, value);
        }
    }
}
