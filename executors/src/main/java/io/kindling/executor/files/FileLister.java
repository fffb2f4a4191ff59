package io.kindling.executor.files;

import java.io.IOException;
import java.util.List;

/** Lists the files a folder holds, on any file system Spark reads: what a files trigger watches. */
public interface FileLister {
    /**
     * The files under {@code folder} whose path relative to it matches {@code pattern}; none when the folder does not
     * exist. Folders, and names starting with {@code .} or {@code _} (hidden and in-progress files, as Spark skips
     * them), are left out.
     *
     * @param folder  a path relative to the work dir, an absolute path, or a URI
     * @param pattern a glob: {@code * ? [ab] {x,y}}, {@code /} between levels
     * @throws IOException when the file system cannot be reached or refuses the listing
     */
    List<ListedFile> list(String folder, String pattern) throws IOException;
}
