package io.kindling.scheduler.sources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.api.CloneCommand;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.transport.RefSpec;

/**
 * One branch of a git repository, cloned into a folder the daemon owns and moved to the remote's newest commit on
 * each {@link #sync}: fetch, then a hard reset and clean, so force-pushes and deleted files are followed exactly.
 * Symbolic links are checked out as plain files, so a repository's files cannot make the daemon read files outside
 * its clone. Its pipelines' SQL is another matter: Kindling's SQL guard is its only limit (docs/spark-guard.md).
 */
final class GitCheckout {
    private final String url;
    private final String branch;
    private final Path dir;
    private final Duration timeout;
    private final GitCredentials credentials;

    GitCheckout(String url, String branch, Path dir, Duration timeout, GitCredentials credentials) {
        if (!Repository.isValidRefName(Constants.R_HEADS + branch)) {
            throw new IllegalArgumentException("invalid git branch name '" + branch + "'");
        }
        this.url = url;
        this.branch = branch;
        this.dir = dir;
        this.timeout = timeout;
        this.credentials = credentials;
    }

    Path dir() {
        return dir;
    }

    /** Clones or fetches, checks out the branch's newest commit, and returns that commit's id. */
    String sync() {
        try {
            if (Files.isDirectory(dir.resolve(".git"))) {
                return fetch();
            }
            return cloneFresh();
        } catch (GitAPIException | IOException | JGitInternalException e) {
            throw new SourceException(credentials.redact(
                    "git: cannot sync branch '" + branch + "' of " + GitCredentials.safeUrl(url) + ": " + describe(e),
                    url));
        }
    }

    private String cloneFresh() throws GitAPIException, IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new SourceException("git: the checkout folder " + dir + " is not empty and is not a git "
                            + "clone; remove it or choose another checkoutDir");
                }
            }
        }
        Files.createDirectories(dir);
        CloneCommand clone = Git.cloneRepository()
                .setURI(url)
                .setDirectory(dir.toFile())
                .setBranchesToClone(List.of(Constants.R_HEADS + branch))
                .setBranch(Constants.R_HEADS + branch)
                .setNoCheckout(true)
                .setTimeout(seconds());
        credentials.provider().ifPresent(clone::setCredentialsProvider);
        try (Git git = clone.call()) {
            return checkout(git);
        }
    }

    private String fetch() throws GitAPIException, IOException {
        try (Git git = Git.open(dir.toFile())) {
            String origin = git.getRepository().getConfig().getString("remote", "origin", "url");
            if (!url.equals(origin)) {
                throw new SourceException("git: the checkout folder " + dir + " is a clone of "
                        + GitCredentials.safeUrl(String.valueOf(origin)) + ", not of " + GitCredentials.safeUrl(url)
                        + "; remove it or choose another checkoutDir");
            }
            FetchCommand fetch = git.fetch()
                    .setRemote("origin")
                    .setRefSpecs(new RefSpec("+" + Constants.R_HEADS + branch + ":" + remoteRef()))
                    .setRemoveDeletedRefs(true)
                    .setTimeout(seconds());
            credentials.provider().ifPresent(fetch::setCredentialsProvider);
            fetch.call();
            return checkout(git);
        }
    }

    /** Moves the working tree to the fetched commit, exactly: tracked changes reset, untracked files removed. */
    private String checkout(Git git) throws GitAPIException, IOException {
        StoredConfig config = git.getRepository().getConfig();
        config.setBoolean("core", null, "symlinks", false);
        config.save();
        ObjectId target = git.getRepository().resolve(remoteRef());
        if (target == null) {
            throw new SourceException("git: branch '" + branch + "' not found in " + GitCredentials.safeUrl(url));
        }
        git.reset().setMode(ResetCommand.ResetType.HARD).setRef(target.name()).call();
        git.clean().setCleanDirectories(true).setForce(true).setIgnore(false).call();
        return target.name();
    }

    private String remoteRef() {
        return Constants.R_REMOTES + "origin/" + branch;
    }

    private int seconds() {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toSeconds()));
    }

    /** The exception's message with its causes', which is where JGit says what went wrong on the wire. */
    private static String describe(Throwable e) {
        StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !out.toString().contains(cause.getMessage())) {
                out.append(": ").append(cause.getMessage());
            }
        }
        return out.toString();
    }
}
