package io.kindling.executor.connect;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * The class loader of the Spark Connect client: Spark's JVM client bundles its own copy of the SQL API and stub
 * {@code SparkContext} classes, which clash with the spark-sql the local executor runs on, so it lives apart. It
 * holds the bundled kindling-connect-client jar and the client's jars from the local Maven repository (listed
 * in that jar at build time); its parent sees only the JDK, plus SLF4J from the daemon so the client's logging
 * ends up in Kindling's log. One per JVM, created on first use.
 */
final class ConnectClientLoader {
    private static final String BRIDGE_JAR = "kindling-connect-client.jar";
    private static final String CLASSPATH = "io/kindling/connect/client-classpath.txt";
    private static ClassLoader loader;

    private ConnectClientLoader() {}

    static synchronized ClassLoader get() {
        if (loader == null) {
            loader = create();
        }
        return loader;
    }

    private static ClassLoader create() {
        try {
            Path bridge = Files.createTempFile("kindling-connect-client-", ".jar");
            bridge.toFile().deleteOnExit();
            try (InputStream in = ConnectClientLoader.class.getResourceAsStream(BRIDGE_JAR)) {
                if (in == null) {
                    throw new IllegalStateException(BRIDGE_JAR + " is missing from kindling-executors-remote; build "
                            + "the project with Maven");
                }
                Files.copy(in, bridge, StandardCopyOption.REPLACE_EXISTING);
            }
            List<URL> urls = new ArrayList<>();
            urls.add(bridge.toUri().toURL());
            for (String entry : classpath(bridge).split(File.pathSeparator)) {
                if (entry.isBlank()) {
                    continue;
                }
                Path jar = Path.of(entry.strip());
                if (!Files.isRegularFile(jar)) {
                    throw new IllegalStateException("the Spark Connect client needs " + jar + ", which is not in the "
                            + "local Maven repository; build the project (mvn package) on this machine");
                }
                urls.add(jar.toUri().toURL());
            }
            return new URLClassLoader("kindling-connect-client", urls.toArray(URL[]::new), new SharedLogging());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the Spark Connect client: " + e.getMessage(), e);
        }
    }

    private static String classpath(Path bridge) throws IOException {
        try (JarFile jar = new JarFile(bridge.toFile())) {
            var entry = jar.getJarEntry(CLASSPATH);
            if (entry == null) {
                throw new IllegalStateException(CLASSPATH + " is missing from " + BRIDGE_JAR);
            }
            try (InputStream in = jar.getInputStream(entry)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
        }
    }

    /** The JDK's classes, and SLF4J's from the daemon (so there is one logging configuration). */
    private static final class SharedLogging extends ClassLoader {
        private static final ClassLoader DAEMON = ConnectClientLoader.class.getClassLoader();

        SharedLogging() {
            super("kindling-connect-parent", ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("org.slf4j.")) {
                return DAEMON.loadClass(name);
            }
            return super.loadClass(name, resolve);
        }
    }
}
