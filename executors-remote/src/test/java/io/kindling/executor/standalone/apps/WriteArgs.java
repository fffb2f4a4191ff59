package io.kindling.executor.standalone.apps;

import java.nio.file.Files;
import java.nio.file.Path;

/** A whole application for {@code submit} tasks: writes its second and later arguments to the file named first. */
public final class WriteArgs {
    private WriteArgs() {}

    public static void main(String[] args) throws Exception {
        if (args[1].equals("fail")) {
            throw new IllegalStateException("asked to fail");
        }
        Files.writeString(
                Path.of(args[0]), String.join(" ", java.util.Arrays.asList(args).subList(1, args.length)));
        System.err.println("WriteArgs wrote " + args[0]);
    }
}
