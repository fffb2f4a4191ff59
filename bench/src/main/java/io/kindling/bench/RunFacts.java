package io.kindling.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * When, on what and at which commit a bench run was made, so that a figure can be traced and redone: the date, the
 * commit (with "+changes" when the tree had uncommitted ones), cores, memory, Java, and the load average at the start
 * and the end (a figure measured beside other work is not comparable with one measured on an idle machine).
 */
record RunFacts(String date, String commit, int cores, long memoryMiB, String java, String loadAtStart) {

    static RunFacts now(Path repository) {
        return new RunFacts(
                Instant.now().toString(),
                commit(repository),
                Runtime.getRuntime().availableProcessors(),
                totalMemoryMiB(),
                System.getProperty("java.version"),
                load());
    }

    String line() {
        return date + ", commit " + commit + ", " + cores + " cores, " + memoryMiB + " MiB, Java " + java
                + ", load average " + loadAtStart;
    }

    /** For results.json: these facts and the load average now, at the end. */
    Map<String, Object> withLoadNow() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("date", date);
        out.put("commit", commit);
        out.put("cores", cores);
        out.put("memory_mib", memoryMiB);
        out.put("java", java);
        out.put("load_average_at_start", loadAtStart);
        out.put("load_average_at_end", load());
        return out;
    }

    private static String commit(Path repository) {
        String head = git(repository, "rev-parse", "--short=12", "HEAD");
        if (head.isEmpty()) {
            return "unknown";
        }
        return git(repository, "status", "--porcelain", "--untracked-files=no").isEmpty() ? head : head + "+changes";
    }

    private static String git(Path repository, String... args) {
        try {
            String[] command = new String[args.length + 3];
            command[0] = "git";
            command[1] = "-C";
            command[2] = repository.toString();
            System.arraycopy(args, 0, command, 3, args.length);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static long totalMemoryMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: unknown
        }
        return -1;
    }

    private static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
