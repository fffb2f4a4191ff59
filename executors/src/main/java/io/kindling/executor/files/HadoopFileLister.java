package io.kindling.executor.files;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * {@link FileLister} through Hadoop's {@link FileSystem}, the API Spark reads with: {@code file:} and plain paths
 * here, and {@code hdfs:}, {@code s3a:}, {@code abfs:} and {@code gs:} wherever their connectors and credentials are
 * on the daemon's class path and in its Hadoop configuration ({@code core-site.xml}, {@code HADOOP_CONF_DIR}).
 */
public final class HadoopFileLister implements FileLister {
    private final Configuration hadoop;
    private final Path workDir;

    /** @param workDir relative folders resolve against it, as the local executor resolves relative data paths */
    public HadoopFileLister(Path workDir) {
        this.hadoop = new Configuration();
        this.workDir = workDir.toAbsolutePath().normalize();
    }

    @Override
    public List<ListedFile> list(String folder, String pattern) throws IOException {
        org.apache.hadoop.fs.Path base = new org.apache.hadoop.fs.Path(resolve(folder));
        FileSystem fs = base.getFileSystem(hadoop); // cached by Hadoop: never closed here
        FileStatus[] matched = fs.globStatus(new org.apache.hadoop.fs.Path(base, pattern), p -> !hidden(p.getName()));
        List<ListedFile> files = new ArrayList<>();
        if (matched == null) { // the folder does not exist (yet)
            return files;
        }
        for (FileStatus status : matched) {
            if (status.isFile() && !hiddenBelow(base, status.getPath())) {
                files.add(new ListedFile(
                        status.getPath().toString(),
                        status.getLen(),
                        Instant.ofEpochMilli(status.getModificationTime())));
            }
        }
        files.sort(Comparator.comparing(ListedFile::path));
        return files;
    }

    private URI resolve(String folder) {
        URI given = URI.create(folder.replace(" ", "%20"));
        if (given.getScheme() != null || folder.startsWith("/")) {
            return given;
        }
        return workDir.resolve(folder).toUri();
    }

    private static boolean hidden(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    /** A pattern with levels ({@code *}{@code /*.csv}) may match files inside hidden folders, such as _temporary. */
    private static boolean hiddenBelow(org.apache.hadoop.fs.Path base, org.apache.hadoop.fs.Path file) {
        for (org.apache.hadoop.fs.Path p = file; p != null && p.depth() > base.depth(); p = p.getParent()) {
            if (hidden(p.getName())) {
                return true;
            }
        }
        return false;
    }
}
