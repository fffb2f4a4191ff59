package io.kindling.scheduler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretStoreTest {
    private static final Map<String, String> ENV = Map.of(
            "KINDLING_SECRET_TOKEN", "from-env", "KINDLING_SECRET_BOTH", "env-loses", "DB_PASSWORD", "daemon-only");

    @TempDir
    Path dir;

    private Path file(String text, String mode) throws IOException {
        Path file = dir.resolve("secrets.properties");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void theFileComesFirstThenThePrefixedEnvironment() throws IOException {
        SecretStore store = SecretStore.open(
                Optional.of(file("BOTH=file-wins\nPW = a=b c\n", "rw-------")), "KINDLING_SECRET_", ENV::get);

        assertThat(store.value("BOTH")).isEqualTo("file-wins");
        assertThat(store.value("PW")).isEqualTo("a=b c");
        assertThat(store.value("TOKEN")).isEqualTo("from-env");
    }

    @Test
    void theDaemonsOtherEnvironmentIsOutOfReachUnlessThePrefixIsEmpty() {
        SecretStore prefixed = SecretStore.open(Optional.empty(), "KINDLING_SECRET_", ENV::get);
        SecretStore whole = SecretStore.open(Optional.empty(), "", ENV::get);

        assertThatThrownBy(() -> prefixed.value("DB_PASSWORD"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("secret 'DB_PASSWORD' is not set (looked in $KINDLING_SECRET_DB_PASSWORD)");
        assertThat(whole.value("DB_PASSWORD")).isEqualTo("daemon-only");
    }

    @Test
    void anUnsetOrEmptySecretSaysWhereItWasLookedFor() throws IOException {
        Path file = file("EMPTY=\n", "r--------");
        SecretStore store = SecretStore.open(Optional.of(file), "KINDLING_SECRET_", ENV::get);

        assertThatThrownBy(() -> store.value("EMPTY"))
                .hasMessage("secret 'EMPTY' is not set (looked in " + file.toAbsolutePath()
                        + " and $KINDLING_SECRET_EMPTY)");
    }

    @Test
    void aChangedFileIsReadAgain() throws IOException {
        Path file = file("PW=old-value\n", "rw-------");
        SecretStore store = SecretStore.open(Optional.of(file), "KINDLING_SECRET_", ENV::get);
        assertThat(store.value("PW")).isEqualTo("old-value");

        Files.writeString(file, "PW=rotated-value\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

        assertThat(store.value("PW")).isEqualTo("rotated-value");
    }

    @Test
    void aFileGroupOrOthersCanUseIsRefused() throws IOException {
        Path file = file("PW=x\n", "rw-r-----");

        assertThatThrownBy(() -> SecretStore.open(Optional.of(file), "KINDLING_SECRET_", ENV::get))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("secrets file " + file.toAbsolutePath() + " is readable or writable by group or others "
                        + "(mode rw-r-----): make it mode 0600 or 0400, owned by the user the daemon runs as "
                        + "(chmod 600 " + file.toAbsolutePath() + ")");
    }

    @Test
    void aMissingFileIsRefused() {
        Path missing = dir.resolve("nope.properties");

        assertThatThrownBy(() -> SecretStore.open(Optional.of(missing), "KINDLING_SECRET_", ENV::get))
                .hasMessage("secrets file " + missing + " does not exist (secrets.file in config.yml)");
    }
}
