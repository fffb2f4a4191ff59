package io.kindling.bench;

import java.nio.file.Path;
import java.util.List;

final class RunListPage {
    private RunListPage() {
    }

    static List<Metric> measure(Path dir, int runs, int requests) throws Exception {
        throw new UnsupportedOperationException("not yet");
    }
}
