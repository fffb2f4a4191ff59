package io.kindling.scheduler.db;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * SQLite's native library, loaded from a copy kept in the daemon's work folder. The driver otherwise extracts it
 * from its jar into a new temporary file on every start and compares the two (about 50 ms of a 2.5 s start).
 * The copy is named by the driver's version and the library's size; a copy that does not load makes the driver
 * fall back to extracting, as without it. A user's own {@code org.sqlite.lib.path} wins.
 */
public final class SqliteLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteLibrary.class);
    private static final String PATH = "org.sqlite.lib.path";
    private static final String NAME = "org.sqlite.lib.name";

    private SqliteLibrary() {}

    /** Points the driver at the copy in {@code folder}, made first if missing; call before the first connection. */
    public static void useCopyIn(Path folder) {
        if (System.getProperty(PATH) != null) {
            return;
        }
        String library = LibraryLoaderUtil.getNativeLibName();
        URL resource = SQLiteJDBCLoader.class.getResource(LibraryLoaderUtil.getNativeLibResourcePath() + "/" + library);
        if (resource == null) {
            return; // no bundled library for this platform: the driver looks on java.library.path
        }
        try {
            URLConnection connection = resource.openConnection();
            long size = connection.getContentLengthLong();
            String name = "sqlite-" + SQLiteJDBCLoader.getVersion() + "-" + size + "-" + library;
            Path copy = folder.resolve(name);
            if (!Files.isRegularFile(copy) || Files.size(copy) != size) {
                Files.createDirectories(folder);
                Path partial = Files.createTempFile(folder, name, ".partial");
                try (InputStream in = connection.getInputStream()) {
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(partial, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(partial);
                }
            }
            System.setProperty(PATH, folder.toAbsolutePath().toString());
            System.setProperty(NAME, name);
        } catch (IOException | RuntimeException e) {
            LOG.debug("SQLite's library stays extracted per start: {}", e.toString());
        }
    }
}
