package io.kindling.scheduler;

import io.dropwizard.core.Application;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.EnvironmentCommand;
import io.dropwizard.core.setup.Environment;
import net.sourceforge.argparse4j.inf.Namespace;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kindling server config.yml}: Dropwizard's server command, with a life cycle a supervisor can read. A start
 * that fails ends the process with status 1 and one line on stderr naming the cause ({@link StartFailure}), not a
 * stack trace; once started, SIGTERM and SIGINT stop the daemon cleanly (running attempts as the engine's shutdown
 * says) and the process exits with status 0 ({@link StopSignals}).
 */
final class KindlingServerCommand extends EnvironmentCommand<KindlingConfiguration> {
    private static final Logger LOG = LoggerFactory.getLogger(KindlingServerCommand.class);

    KindlingServerCommand(Application<KindlingConfiguration> application) {
        super(application, "server", "Runs the Kindling daemon");
    }

    @Override
    protected Class<KindlingConfiguration> getConfigurationClass() {
        return KindlingConfiguration.class;
    }

    @Override
    protected void run(Environment environment, Namespace namespace, KindlingConfiguration configuration)
            throws Exception {
        Server server = configuration.getServerFactory().build(environment);
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopped(LifeCycle event) {
                cleanup();
            }
        });
        cleanupAsynchronously();
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop(); // what had started (the database pool, the engine, ...) stops in reverse order
            } catch (Exception stopping) {
                LOG.debug("stopping after a failed start", stopping);
            }
            throw e;
        }
        StopSignals.install();
        Thread awaiter = new Thread(
                () -> {
                    try {
                        server.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "kindling-awaiter");
        awaiter.start();
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        cli.getStdErr().println("kindling: cannot start: " + StartFailure.describe(e));
        cli.getStdErr().flush();
    }
}
