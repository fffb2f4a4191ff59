package io.kindling.scheduler;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT end the daemon with exit status 0. The JVM's own handler runs the shutdown hooks (Jetty's,
 * which stops the daemon's parts in reverse start order) and exits with 128 + the signal (143, 130), which systemd
 * and other supervisors read as a failure; this handler does the same stop through {@code System.exit(0)}.
 */
final class StopSignals {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {}

    static void install() {
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    LOG.info("SIG{}: stopping", name);
                    System.exit(0);
                });
            } catch (IllegalArgumentException e) {
                LOG.debug("SIG{} cannot be handled here: {}", name, e.getMessage());
            }
        }
    }
}
