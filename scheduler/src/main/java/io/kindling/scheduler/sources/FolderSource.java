package io.kindling.scheduler.sources;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A local folder, checked for changes every {@code scanInterval} by its files' metadata. Polling rather than
 * file-system events: it behaves the same on every OS and on network, container and Kubernetes ConfigMap
 * mounts, where change events are unreliable or missing, and one scan of a hundred files costs microseconds.
 */
final class FolderSource implements PipelineSource {
    private final String name;
    private final Path folder;
    private final Duration interval;
    private String lastFingerprint;

    FolderSource(String name, Path folder, Duration interval) {
        this.name = name;
        this.folder = folder;
        this.interval = interval;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "folder";
    }

    @Override
    public String location() {
        return folder.toString();
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public Optional<Snapshot> refresh(boolean force) {
        String fingerprint;
        try {
            fingerprint = FolderFingerprint.of(folder);
        } catch (IOException | RuntimeException e) {
            throw new SourceException("cannot scan the folder " + folder + ": " + e.getMessage(), e);
        }
        if (fingerprint.isEmpty()) {
            // Not a reason to unschedule everything: an unmounted volume comes back.
            throw new SourceException("the folder " + folder + " does not exist or is not a folder");
        }
        if (!force && fingerprint.equals(lastFingerprint)) {
            return Optional.empty();
        }
        lastFingerprint = fingerprint;
        return Optional.of(new Snapshot(folder, Optional.empty()));
    }
}
