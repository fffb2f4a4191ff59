package io.kindling.bench.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The processes a system started: each in its own session ({@code setsid}), so that stopping it kills the whole
 * tree, also what was re-parented to init; with memory (PSS) and CPU time read from /proc.
 */
final class Processes implements AutoCloseable {
    private final List<Process> started = new ArrayList<>();
    private final Path logs;

    Processes(Path logs) {
        this.logs = logs;
    }

    /** Starts {@code command} in its own session, output to {@code logs/<name>.log}. */
    Process start(String name, List<String> command, Map<String, String> env, Path workDir) throws IOException {
        Files.createDirectories(logs);
        List<String> full = new ArrayList<>(List.of("setsid"));
        full.addAll(command);
        ProcessBuilder b = new ProcessBuilder(full)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        logs.resolve(name + ".log").toFile()));
        b.environment().putAll(env);
        Process p = b.start();
        synchronized (started) {
            started.add(p);
        }
        return p;
    }

    /** Runs a command to its end (at most {@code minutes}); its output, or an exception saying why it failed. */
    static String run(List<String> command, Map<String, String> env, Path workDir, Path log, int minutes)
            throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        ProcessBuilder b = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        b.environment().putAll(env);
        long before = Files.exists(log) ? Files.size(log) : 0;
        Process p = b.start();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " took over " + minutes + " min; see " + log);
        }
        String out = Files.readString(log).substring((int) before);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue() + ": "
                    + lastLines(out, 3) + " (see " + log + ")");
        }
        return out;
    }

    static String lastLines(String text, int n) {
        String[] lines = text.strip().split("\n");
        return String.join(" / ", List.of(lines).subList(Math.max(0, lines.length - n), lines.length));
    }

    /** Whether every started process is still alive; else the first that exited, with its code. */
    String dead() {
        synchronized (started) {
            for (Process p : started) {
                if (!p.isAlive()) {
                    return p.info().commandLine().orElse("pid " + p.pid()) + " exited with " + p.exitValue();
                }
            }
        }
        return null;
    }

    /** The started processes and all their live descendants, and every process of their sessions. */
    List<ProcessHandle> all() throws IOException {
        Map<Long, ProcessHandle> all = new LinkedHashMap<>();
        List<Long> sessions = new ArrayList<>();
        synchronized (started) {
            for (Process p : started) {
                if (p.isAlive()) {
                    all.put(p.pid(), p.toHandle());
                    sessions.add(p.pid());
                }
                p.descendants().forEach(d -> all.put(d.pid(), d));
            }
        }
        // what left its parent (re-parented to init) stays in the session
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : dirs.toList()) {
                String name = d.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long[] stat = stat(Long.parseLong(name));
                if (stat != null && sessions.contains(stat[0])) {
                    ProcessHandle.of(Long.parseLong(name)).ifPresent(h -> all.put(h.pid(), h));
                }
            }
        }
        return new ArrayList<>(all.values());
    }

    /** The sum of the processes' PSS (/proc/PID/smaps_rollup), in MiB. */
    static double pssMiB(Collection<ProcessHandle> processes) {
        long kb = 0;
        for (ProcessHandle p : processes) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "smaps_rollup"))) {
                    if (line.startsWith("Pss:")) {
                        kb += Long.parseLong(line.replaceAll("[^0-9]", ""));
                        break;
                    }
                }
            } catch (IOException e) {
                // it ended meanwhile
            }
        }
        return kb / 1024.0;
    }

    /**
     * CPU seconds the processes used so far: user + system time of each, and of its ended children it waited for
     * (clock ticks of 100 Hz).
     */
    static double cpuSeconds(Collection<ProcessHandle> processes) {
        long ticks = 0;
        for (ProcessHandle p : processes) {
            long[] stat = stat(p.pid());
            if (stat != null) {
                ticks += stat[1];
            }
        }
        return ticks / 100.0;
    }

    /** {session id, utime + stime + cutime + cstime} of /proc/PID/stat; null when it is gone. */
    private static long[] stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // after the name: state(0) ppid(1) pgrp(2) session(3) ... utime(11) stime(12) cutime(13) cstime(14)
            return new long[] {
                Long.parseLong(f[3]),
                Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])
            };
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** SIGTERM to every session, 20 s to end, then SIGKILL to all that is left of the trees. */
    @Override
    public void close() {
        List<ProcessHandle> all;
        try {
            all = all();
        } catch (IOException e) {
            all = new ArrayList<>();
        }
        List<Process> mine;
        synchronized (started) {
            mine = new ArrayList<>(started);
        }
        for (Process p : mine) {
            signal("-TERM", p.pid());
        }
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && all.stream().anyMatch(ProcessHandle::isAlive)) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Process p : mine) {
            signal("-KILL", p.pid());
        }
        all.forEach(ProcessHandle::destroyForcibly);
        try {
            all().forEach(ProcessHandle::destroyForcibly);
        } catch (IOException e) {
            // nothing more to find
        }
    }

    /** kill -SIG -- -PGID: the process group setsid made (its id is the started process's). */
    private static void signal(String sig, long pgid) {
        try {
            new ProcessBuilder("kill", sig, "--", "-" + pgid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no kill: destroyForcibly below still ends the tree
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
