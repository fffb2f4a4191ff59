package io.kindling.scheduler.cli;

import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.Command;
import net.sourceforge.argparse4j.inf.Namespace;

/** A command whose expected failures print one line instead of a stack trace. */
abstract class QuietCommand extends Command {
    QuietCommand(String name, String description) {
        super(name, description);
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        if (e instanceof CommandFailedException) {
            cli.getStdErr().println(e.getMessage());
        } else {
            super.onError(cli, namespace, e);
        }
    }
}
