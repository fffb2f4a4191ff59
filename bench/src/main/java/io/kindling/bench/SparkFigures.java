package io.kindling.bench;

import java.nio.file.Path;
import java.util.List;

final class SparkFigures {
    private SparkFigures() {
    }

    static List<Metric> warmVsSubmit(Path dir, Path examples, int warm, int cold) throws Exception {
        throw new UnsupportedOperationException("not yet");
    }
}
