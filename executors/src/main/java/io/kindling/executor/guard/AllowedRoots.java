package io.kindling.executor.guard;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The folders and URI prefixes SQL may read and write. Local paths are compared after {@code ..} is normalised
 * and symbolic links are followed (as far as the path exists), so neither lets a path leave its root; other URIs
 * ({@code s3a://bucket/prefix}) compare by scheme, authority and path segments.
 *
 * @param local  absolute, real local folders
 * @param remote normalised non-file URIs, without a trailing slash
 */
public record AllowedRoots(List<Path> local, List<URI> remote) {
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

    public AllowedRoots {
        local = List.copyOf(local);
        remote = List.copyOf(remote);
    }

    /** Roots from a comma-separated list; relative ones resolve against {@code base}. */
    public static AllowedRoots parse(String commaSeparated, Path base) {
        return of(
                Arrays.stream(commaSeparated.split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .toList(),
                base);
    }

    public static AllowedRoots of(List<String> roots, Path base) {
        List<Path> local = new ArrayList<>();
        List<URI> remote = new ArrayList<>();
        for (String root : roots) {
            Location location = Location.of(root, base);
            if (location.local() != null) {
                local.add(location.local());
            } else {
                remote.add(location.remote());
            }
        }
        return new AllowedRoots(local, remote);
    }

    /** Whether {@code path} (relative ones against {@code base}, as Spark resolves them) is under a root. */
    public boolean allows(String path, Path base) {
        Location location;
        try {
            location = Location.of(path, base);
        } catch (IllegalArgumentException e) {
            return false; // what cannot be parsed cannot be shown to be inside
        }
        if (location.local() != null) {
            return local.stream().anyMatch(location.local()::startsWith);
        }
        URI uri = location.remote();
        return remote.stream().anyMatch(root -> under(uri, root));
    }

    /** The roots as one comma-separated value, the form Spark conf carries them in. */
    public String asConf() {
        List<String> all = new ArrayList<>();
        local.forEach(p -> all.add(p.toString()));
        remote.forEach(u -> all.add(u.toString()));
        return String.join(",", all);
    }

    private static boolean under(URI uri, URI root) {
        if (!uri.getScheme().equals(root.getScheme())
                || !String.valueOf(uri.getRawAuthority()).equalsIgnoreCase(String.valueOf(root.getRawAuthority()))) {
            return false;
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String prefix = root.getRawPath() == null ? "" : root.getRawPath();
        return prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** A path as either a real local path or a normalised remote URI. */
    private record Location(Path local, URI remote) {
        static Location of(String text, Path base) {
            String value = text.strip();
            if (value.isEmpty()) {
                throw new IllegalArgumentException("an empty path");
            }
            if (SCHEME.matcher(value).matches() && !isWindowsDrive(value)) {
                URI uri;
                try {
                    uri = new URI(value).normalize();
                } catch (URISyntaxException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
                String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
                if (scheme.equals("file")) {
                    String path = uri.getPath() != null ? uri.getPath() : uri.getSchemeSpecificPart();
                    return new Location(real(base.resolve(path)), null);
                }
                String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
                if (path.contains("/../") || path.endsWith("/..")) {
                    throw new IllegalArgumentException(".. above the URI's root");
                }
                try {
                    return new Location(null, new URI(scheme, uri.getRawAuthority(), path, null, null));
                } catch (URISyntaxException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
            return new Location(real(base.resolve(value)), null);
        }

        private static boolean isWindowsDrive(String value) {
            return value.length() > 2
                    && Character.isLetter(value.charAt(0))
                    && value.charAt(1) == ':'
                    && (value.charAt(2) == '\\' || value.charAt(2) == '/');
        }

        /**
         * The absolute, normalised path with links resolved in the part that exists, so that a link inside a
         * root pointing outside it (or an output not written yet under such a link) is seen where it leads.
         */
        private static Path real(Path path) {
            Path absolute = path.toAbsolutePath().normalize();
            Path existing = absolute;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                return absolute;
            }
            try {
                return existing.toRealPath()
                        .resolve(existing.relativize(absolute))
                        .normalize();
            } catch (IOException e) {
                return absolute;
            }
        }
    }
}
