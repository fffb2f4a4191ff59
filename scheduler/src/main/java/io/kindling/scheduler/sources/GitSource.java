package io.kindling.scheduler.sources;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** A branch of a git repository, and the folder inside it that holds the pipeline files. */
final class GitSource implements PipelineSource {
    private final String name;
    private final String url;
    private final String subfolder;
    private final GitCheckout checkout;
    private final Duration interval;
    private String lastCommit;

    GitSource(String name, String url, String subfolder, GitCheckout checkout, Duration interval) {
        this.name = name;
        this.url = url;
        this.subfolder = subfolder;
        this.checkout = checkout;
        this.interval = interval;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "git";
    }

    @Override
    public String location() {
        return GitCredentials.safeUrl(url);
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public Optional<Snapshot> refresh(boolean force) {
        String commit = checkout.sync();
        Path folder = subfolder.isEmpty()
                ? checkout.dir()
                : checkout.dir().resolve(subfolder).normalize();
        if (!Files.isDirectory(folder)) {
            throw new SourceException("git: commit " + commit.substring(0, 12) + " has no folder '" + subfolder
                    + "'; the pipelines loaded before stay");
        }
        if (!force && commit.equals(lastCommit)) {
            return Optional.empty();
        }
        lastCommit = commit;
        return Optional.of(new Snapshot(folder, Optional.of(commit)));
    }
}
