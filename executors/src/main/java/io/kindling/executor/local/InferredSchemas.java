package io.kindling.executor.local;

import io.kindling.dsl.DataRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The schemas Spark inferred for file inputs by reading their data (JSON and XML always, CSV with
 * {@code inferSchema}), kept by a warm executor while the input's files are unchanged. Inference is a Spark job
 * over the whole input before the query reads it again; a daily pipeline over unchanged or rarely changing
 * reference data pays it on every run, and on a small input it is a third of the attempt.
 *
 * <p>An input is unchanged when Hadoop's file system lists the same files under its path with the same lengths
 * and modification times; the key also holds the format, the read options and the session's SQL settings, which
 * steer inference. A file rewritten in place with the same length within the file system's time resolution is not
 * seen: the executor option {@code cacheInferredSchemas: false} turns the cache off.
 *
 * <p>Schemas are also kept on disk, one small file per key in {@code <workDir>/.kindling/inferred-schemas}, so that
 * the first attempt after a restart does not infer again what the last process already did (on a small input, a
 * third of that first attempt). The key then holds only the {@code spark.sql.*} settings and Spark's version: the
 * others (ports, application id) change with every start and do not steer inference. The disk is a best effort:
 * a folder that cannot be written, or a file that cannot be read, only means inferring again.
 */
final class InferredSchemas {
    private static final Logger LOG = LoggerFactory.getLogger(InferredSchemas.class);
    private static final int MAX_ENTRIES = 1_000;
    /** Files kept on disk; the ones least recently used go first. */
    private static final int MAX_FILES = 1_000;
    /** How many writes between two looks at the folder's size. */
    private static final int PRUNE_EVERY = 50;
    /** Above this many files, listing them twice (here and in Spark) may cost more than inference saves. */
    private static final int MAX_LISTED_FILES = 10_000;

    /** @param digest of the read options, the session's SQL settings and the files' stamps */
    record Key(String format, String path, String digest) {}

    private final Map<Key, StructType> schemas = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, StructType> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    private final Optional<java.nio.file.Path> dir;
    private final AtomicInteger writes = new AtomicInteger();

    /** @param dir where schemas are kept across restarts; empty: in memory only */
    InferredSchemas(Optional<java.nio.file.Path> dir) {
        this.dir = dir;
    }

    /** The folder under a work dir that keeps inferred schemas across restarts. */
    static java.nio.file.Path folderIn(java.nio.file.Path workDir) {
        return workDir.resolve(".kindling").resolve("inferred-schemas");
    }

    /** Whether Spark reads this input's data to learn its schema. */
    static boolean inferredFromData(DataRef ref) {
        String format = ref.format().toLowerCase(Locale.ROOT);
        return switch (format) {
            case "json", "xml" -> true;
            case "csv" ->
                ref.options().entrySet().stream()
                        .anyMatch(o -> o.getKey().equalsIgnoreCase("inferSchema")
                                && o.getValue().strip().equalsIgnoreCase("true"));
            default -> false;
        };
    }

    /**
     * The input's key as its files are now; empty when it has none or too many files, or cannot be listed
     * (Spark's own read then reports what is wrong).
     */
    static Optional<Key> key(SparkSession spark, DataRef ref, String path) {
        Configuration hadoop = spark.sessionState().newHadoopConf();
        try {
            Path given = new Path(path);
            FileSystem fs = given.getFileSystem(hadoop);
            FileStatus[] matches = fs.globStatus(given);
            if (matches == null || matches.length == 0) {
                return Optional.empty();
            }
            List<String> files = new ArrayList<>();
            for (FileStatus match : matches) {
                if (!match.isDirectory()) {
                    files.add(stamp(match));
                    continue;
                }
                RemoteIterator<LocatedFileStatus> listed = fs.listFiles(match.getPath(), true);
                while (listed.hasNext()) {
                    files.add(stamp(listed.next()));
                    if (files.size() > MAX_LISTED_FILES) {
                        return Optional.empty();
                    }
                }
            }
            files.sort(null);
            List<String> lines = new ArrayList<>();
            new TreeMap<>(ref.options()).forEach((k, v) -> lines.add("option\t" + k + "\t" + v));
            lines.add("spark\t" + spark.version());
            new TreeMap<>(CollectionConverters.asJava(
                            spark.sessionState().conf().getAllConfs()))
                    .forEach((k, v) -> {
                        if (k.startsWith("spark.sql.")) {
                            lines.add("conf\t" + k + "\t" + v);
                        }
                    });
            files.forEach(file -> lines.add("file\t" + file));
            return Optional.of(new Key(ref.format().toLowerCase(Locale.ROOT), path, digest(lines)));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    Optional<StructType> get(Key key) {
        synchronized (this) {
            StructType known = schemas.get(key);
            if (known != null || dir.isEmpty()) {
                return Optional.ofNullable(known);
            }
        }
        Optional<StructType> kept = read(key);
        kept.ifPresent(schema -> {
            synchronized (this) {
                schemas.put(key, schema);
            }
        });
        return kept;
    }

    void put(Key key, StructType schema) {
        synchronized (this) {
            schemas.put(key, schema);
        }
        dir.ifPresent(folder -> write(folder, key, schema));
    }

    /** The first line names the key in full, so that a file is used only for its own key. */
    private static String header(Key key) {
        return key.format() + "\t" + key.path() + "\t" + key.digest();
    }

    private static String fileName(Key key) {
        return digest(List.of(header(key))) + ".json";
    }

    private Optional<StructType> read(Key key) {
        java.nio.file.Path file = dir.orElseThrow().resolve(fileName(key));
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int newline = text.indexOf('\n');
            if (newline < 0 || !text.substring(0, newline).equals(header(key))) {
                return Optional.empty();
            }
            if (!(DataType.fromJson(text.substring(newline + 1)) instanceof StructType schema)) {
                return Optional.empty();
            }
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis())); // recently used
            return Optional.of(schema);
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) { // Spark's JSON parser throws its own runtime exceptions
            LOG.debug("Inferred schema in {} not used: {}", file, e.toString());
            return Optional.empty();
        }
    }

    private void write(java.nio.file.Path folder, Key key, StructType schema) {
        try {
            Files.createDirectories(folder);
            java.nio.file.Path file = folder.resolve(fileName(key));
            java.nio.file.Path temporary = Files.createTempFile(folder, ".schema-", ".tmp");
            Files.writeString(temporary, header(key) + "\n" + schema.json(), StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            if (writes.incrementAndGet() % PRUNE_EVERY == 0) {
                prune(folder);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Inferred schema not kept in {}: {}", folder, e.toString());
        }
    }

    /** Keeps the {@value #MAX_FILES} files most recently used or written. */
    private static void prune(java.nio.file.Path folder) throws IOException {
        List<java.nio.file.Path> files;
        try (Stream<java.nio.file.Path> listed = Files.list(folder)) {
            files = listed.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .toList();
        }
        if (files.size() <= MAX_FILES) {
            return;
        }
        Map<java.nio.file.Path, Long> used = new java.util.HashMap<>();
        for (java.nio.file.Path f : files) {
            used.put(f, Files.getLastModifiedTime(f).toMillis());
        }
        List<java.nio.file.Path> oldestFirst = new ArrayList<>(files);
        oldestFirst.sort(java.util.Comparator.comparing(used::get));
        for (java.nio.file.Path f : oldestFirst.subList(0, files.size() - MAX_FILES)) {
            Files.deleteIfExists(f);
        }
    }

    private static String stamp(FileStatus file) {
        return file.getPath() + "\t" + file.getLen() + "\t" + file.getModificationTime();
    }

    private static String digest(List<String> lines) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String line : lines) {
                sha.update(line.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
