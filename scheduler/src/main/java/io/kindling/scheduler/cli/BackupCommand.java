package io.kindling.scheduler.cli;

import io.dropwizard.core.setup.Bootstrap;
import io.kindling.scheduler.config.DatabaseConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.Function;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code kindling backup FILE [--config config.yml]}: a consistent copy of a SQLite run history, also while daemons
 * run on it. SQLite's {@code VACUUM INTO} reads the history in one read transaction (WAL lets the daemon go on
 * writing meanwhile) and writes a compact, self-contained file. A PostgreSQL history is backed up with its own
 * tools ({@code pg_dump}, docs/configuration.md).
 */
public class BackupCommand extends QuietCommand {
    private static final String SQLITE = "jdbc:sqlite:";

    private final Function<String, DatabaseConfig> configReader;

    /** @param configReader the database section of a config.yml, read as the daemon reads it */
    public BackupCommand(Function<String, DatabaseConfig> configReader) {
        super("backup", "Copy the SQLite run history to a new file, also while the daemon runs");
        this.configReader = configReader;
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("file").metavar("FILE").help("the backup to write (must not exist)");
        subparser
                .addArgument("--config")
                .metavar("CONFIG")
                .setDefault("config.yml")
                .help("the daemon's config.yml, for where its history is (default: config.yml)");
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
        DatabaseConfig database = configReader.apply(namespace.getString("config"));
        String url = database.getUrl();
        if (!url.startsWith(SQLITE)) {
            throw new CommandFailedException("backup: the history is on a server database ("
                    + url.replaceAll("\\?.*", "") + "): back it up with its own tools, e.g. pg_dump "
                    + "(docs/configuration.md#backups)");
        }
        Path target = Path.of(namespace.getString("file")).toAbsolutePath().normalize();
        if (Files.exists(target)) {
            throw new CommandFailedException("backup: " + target + " exists; give the name of a new file");
        }
        Files.createDirectories(target.getParent());
        Properties properties = new Properties();
        properties.setProperty("busy_timeout", "30000"); // as the daemon's pool, should a checkpoint hold a lock
        long started = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url, properties);
                PreparedStatement vacuum = c.prepareStatement("VACUUM INTO ?")) {
            vacuum.setString(1, target.toString());
            vacuum.execute();
        } catch (SQLException e) {
            throw new CommandFailedException(
                    "backup: cannot copy " + url.substring(SQLITE.length()) + " to " + target + ": " + e.getMessage());
        }
        System.out.printf(
                "backed up %s to %s (%d bytes, %d ms)%n",
                url.substring(SQLITE.length()), target, Files.size(target), (System.nanoTime() - started) / 1_000_000);
    }
}
