package io.kindling.scheduler.config;

import io.kindling.dsl.Secrets;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * The secret values the daemon (or {@code kindling run}) renders into tasks: a {@code NAME=value} properties
 * file, then environment variables {@code <prefix>NAME}. The file is looked at on every lookup and read again
 * when its modification time or size changed, so a rotated secret applies from the next attempt on, without a
 * restart. An empty value counts as not set: a secret never renders as an empty string.
 */
public final class SecretStore implements Secrets {
    /** Group or others may do anything with the file: its secrets are not secret. */
    private static final Set<PosixFilePermission> TOO_OPEN = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    private final Optional<Path> file;
    private final String envPrefix;
    private final Function<String, String> env;
    // Guarded by this: the file as last read.
    private FileTime readModified;
    private long readSize = -1;
    private Map<String, String> fromFile = Map.of();

    private SecretStore(Optional<Path> file, String envPrefix, Function<String, String> env) {
        this.file = file;
        this.envPrefix = envPrefix;
        this.env = env;
    }

    /**
     * Opens the store, reading the file once now.
     *
     * @throws IllegalStateException when the file is missing, unreadable, or readable or writable by group or
     *                               others; the message says what to do
     */
    public static SecretStore open(Optional<Path> file, String envPrefix, Function<String, String> env) {
        SecretStore store = new SecretStore(file.map(Path::toAbsolutePath), envPrefix, env);
        store.file.ifPresent(f -> store.refresh(f));
        return store;
    }

    /** From config.yml's {@code secrets:} (which may be absent: environment variables only). */
    public static SecretStore open(SecretsConfig config, Function<String, String> env) {
        return open(Optional.ofNullable(config.getFile()).map(Path::of), config.getEnvPrefix(), env);
    }

    @Override
    public String value(String name) {
        if (file.isPresent()) {
            String value;
            try {
                value = refresh(file.get()).get(name);
            } catch (IllegalStateException e) { // the file went wrong since the start: this attempt fails
                throw new IllegalArgumentException("secret '" + name + "' cannot be read: " + e.getMessage(), e);
            }
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        String value = env.apply(envPrefix + name);
        if (value != null && !value.isEmpty()) {
            return value;
        }
        throw new IllegalArgumentException("secret '" + name + "' is not set (looked in "
                + file.map(f -> f + " and ").orElse("") + "$" + envPrefix + name + ")");
    }

    private synchronized Map<String, String> refresh(Path path) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (attributes.lastModifiedTime().equals(readModified) && attributes.size() == readSize) {
                return fromFile;
            }
            checkPermissions(path);
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
            Map<String, String> values = new HashMap<>();
            properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
            fromFile = Map.copyOf(values);
            readModified = attributes.lastModifiedTime();
            readSize = attributes.size();
            return fromFile;
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("secrets file " + path + " does not exist (secrets.file in config.yml)");
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            throw new IllegalStateException("secrets file " + path + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static void checkPermissions(Path path) throws IOException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(path);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system: nothing to check
        }
        if (permissions.stream().anyMatch(TOO_OPEN::contains)) {
            throw new IllegalStateException("secrets file " + path + " is readable or writable by group or others "
                    + "(mode " + PosixFilePermissions.toString(permissions) + "): make it mode 0600 or 0400, "
                    + "owned by the user the daemon runs as (chmod 600 " + path + ")");
        }
    }

    @Override
    public String toString() {
        return "SecretStore[" + file.map(Path::toString).orElse("no file") + ", $" + envPrefix + "*]";
    }
}
