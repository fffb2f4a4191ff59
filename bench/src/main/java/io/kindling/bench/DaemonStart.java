package io.kindling.bench;

import java.nio.file.Path;
import java.util.List;

final class DaemonStart {
    private DaemonStart() {
    }

    static List<Metric> measure(Path dir, Path examples, int starts) throws Exception {
        throw new UnsupportedOperationException("not yet");
    }
}
