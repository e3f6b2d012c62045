package fr.liaison.bench.suite;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The JVMs the bench starts: their command, their heap after a full GC, their profile recordings, their end. */
final class JvmProcesses {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private JvmProcesses() {
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String jcmd() {
        return Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    }

    /** A JVM of the bench's own class path running {@code mainClass}. */
    static List<String> benchJvm(String heap, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-Xms" + heap, "-Xmx" + heap, "-cp",
                System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    /** Heap in use right after a full collection, in bytes. */
    static long heapAfterGc(Process process) throws IOException, InterruptedException {
        jcmd(process, "GC.run");
        String info = jcmd(process, "GC.heap_info");
        Matcher used = HEAP_USED.matcher(info);
        if (!used.find()) {
            throw new IllegalStateException("no heap figure from jcmd: " + info);
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    /** CPU time the process has used (user + system), in nanoseconds, from /proc; -1 where there is no /proc. */
    static long cpuNanos(long pid) {
        long ticks = cpuTicks(Path.of("/proc", Long.toString(pid)));
        // Clock ticks: USER_HZ = 100 on Linux.
        return ticks < 0 ? -1 : ticks * 10_000_000L;
    }

    /**
     * CPU time (user + system) of a process or a thread, in clock ticks, from the {@code stat} file of
     * its /proc directory ({@code /proc/<pid>} or {@code /proc/<pid>/task/<tid>}); -1 if unreadable.
     */
    static long cpuTicks(Path procDirectory) {
        try {
            String stat = java.nio.file.Files.readString(procDirectory.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // utime and stime are the 14th and 15th fields of the line.
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long cpuNanos(Process... processes) {
        long total = 0;
        for (Process process : processes) {
            long cpu = cpuNanos(process.pid());
            if (cpu < 0) {
                return -1;
            }
            total += cpu;
        }
        return total;
    }

    static void startRecording(Process process, Path settings) throws IOException, InterruptedException {
        jcmd(process, "JFR.start", "name=bench", "settings=" + settings.toAbsolutePath());
    }

    static void stopRecording(Process process, Path file) throws IOException, InterruptedException {
        jcmd(process, "JFR.stop", "name=bench", "filename=" + file.toAbsolutePath());
    }

    static String jcmd(Process process, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(jcmd(), Long.toString(process.pid())));
        line.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    static void stop(Process process) {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Below Linux's ephemeral range (32768-60999), above the development ports. */
    private static final int FIRST_PORT = 20_000;
    private static final int PORTS = 12_000;
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port free now, outside the ephemeral range: a port the kernel hands out (port 0) may be given
     * again to an outgoing connection before the JVM that is to listen on it has started, and that
     * JVM then fails with "Address already in use".
     */
    static int freePort() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = FIRST_PORT + random.nextInt(PORTS);
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                HANDED_OUT.add(port);
                return port;
            } catch (IOException taken) {
                // in use: another one
            }
        }
        throw new IOException("no free port between " + FIRST_PORT + " and " + (FIRST_PORT + PORTS));
    }

    static void requireFree(int port, String what) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " (" + what + ") is in use: stop what listens there (a demo, a node, "
                    + "integration tests) and run the bench again");
        }
    }
}
