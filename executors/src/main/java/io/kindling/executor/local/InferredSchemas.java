package io.kindling.executor.local;

import io.kindling.dsl.DataRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
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
 */
final class InferredSchemas {
    private static final int MAX_ENTRIES = 1_000;
    /** Above this many files, listing them twice (here and in Spark) may cost more than inference saves. */
    private static final int MAX_FILES = 10_000;

    /** @param digest of the read options, the session's SQL settings and the files' stamps */
    record Key(String format, String path, String digest) {}

    private final Map<Key, StructType> schemas = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, StructType> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

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
                    if (files.size() > MAX_FILES) {
                        return Optional.empty();
                    }
                }
            }
            files.sort(null);
            List<String> lines = new ArrayList<>();
            new TreeMap<>(ref.options()).forEach((k, v) -> lines.add("option\t" + k + "\t" + v));
            new TreeMap<>(CollectionConverters.asJava(
                            spark.sessionState().conf().getAllConfs()))
                    .forEach((k, v) -> lines.add("conf\t" + k + "\t" + v));
            files.forEach(file -> lines.add("file\t" + file));
            return Optional.of(new Key(ref.format().toLowerCase(Locale.ROOT), path, digest(lines)));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    synchronized Optional<StructType> get(Key key) {
        return Optional.ofNullable(schemas.get(key));
    }

    synchronized void put(Key key, StructType schema) {
        schemas.put(key, schema);
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
