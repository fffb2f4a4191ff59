package io.kindling.bench;

import java.util.Arrays;
import java.util.Collection;

/** Percentiles of samples (nearest rank). */
final class Stats {
    private final double[] sorted;

    Stats(Collection<Double> samples) {
        if (samples.isEmpty()) {
            throw new IllegalStateException("no samples");
        }
        sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    Stats(double[] samples) {
        sorted = samples.clone();
        Arrays.sort(sorted);
    }

    double percentile(double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    double median() {
        return percentile(50);
    }

    double min() {
        return sorted[0];
    }

    double max() {
        return sorted[sorted.length - 1];
    }

    int count() {
        return sorted.length;
    }
}
