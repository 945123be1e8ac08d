package io.tailwatch.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The live objects of the agent in a service's heap, read with {@code jcmd PID GC.class_histogram}
 * (which runs a full collection first, so only reachable objects count). The agent's objects are
 * the instances of every class whose name holds {@code io.tailwatch.agent.} or
 * {@code io.tailwatch.shaded.}: its own classes, the libraries it shades and arrays of either.
 *
 * <p>What this counts and what it does not: a class histogram gives each object's own (shallow)
 * size. Arrays of primitives and JDK objects an agent object holds ({@code long[]} counts of a
 * histogram, a {@code LongAdder}, a {@code String}) are listed under their own JDK classes and are
 * not in {@link #agentBytes()}, and neither are the application's objects the agent keeps alive. It
 * is therefore a lower bound of the agent's heap; {@link #totalBytes()} of the same service with and
 * without the agent gives the whole cost.
 */
public final class AgentHeap {
    /** The agent's packages; not {@code io.tailwatch.} alone, which also holds the test services. */
    private static final List<String> AGENT_PACKAGES = List.of("io.tailwatch.agent.", "io.tailwatch.shaded.");

    /** Class name to {instances, bytes}. */
    private final Map<String, long[]> classes;
    private final long totalBytes;

    private AgentHeap(Map<String, long[]> classes, long totalBytes) {
        this.classes = classes;
        this.totalBytes = totalBytes;
    }

    /**
     * Takes the class histogram of the JVM {@code pid} with the {@code jcmd} of {@code jdk}, the JDK
     * that JVM runs on (jcmd attaches only to its own release's JVMs reliably).
     */
    public static AgentHeap of(Path jdk, long pid) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(jdk.resolve("bin/jcmd").toString(), Long.toString(pid), "GC.class_histogram")
                .redirectErrorStream(true).start();
        byte[] output = jcmd.getInputStream().readAllBytes();
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            jcmd.destroyForcibly();
            throw new AssertionError("jcmd " + pid + " GC.class_histogram failed: "
                    + new String(output, StandardCharsets.UTF_8));
        }
        return parse(new String(output, StandardCharsets.UTF_8));
    }

    /** Parses the output of {@code GC.class_histogram}: {@code "  12:   1950   156000  a.B (module)"} lines and a Total line. */
    static AgentHeap parse(String histogram) {
        Map<String, long[]> classes = new HashMap<>();
        long total = -1;
        for (String line : histogram.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 3 && fields[0].equals("Total")) {
                total = Long.parseLong(fields[2]);
            } else if (fields.length >= 4 && fields[0].endsWith(":")) {
                long[] counts = classes.computeIfAbsent(fields[3], k -> new long[2]);
                counts[0] += Long.parseLong(fields[1]);
                counts[1] += Long.parseLong(fields[2]);
            }
        }
        if (total < 0 || classes.isEmpty()) {
            throw new AssertionError("not a class histogram: " + histogram);
        }
        return new AgentHeap(classes, total);
    }

    private static boolean isAgent(String className) {
        for (String prefix : AGENT_PACKAGES) {
            if (className.contains(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** Shallow bytes of all the agent's live objects. */
    public long agentBytes() {
        long bytes = 0;
        for (Map.Entry<String, long[]> e : classes.entrySet()) {
            if (isAgent(e.getKey())) {
                bytes += e.getValue()[1];
            }
        }
        return bytes;
    }

    /** Live instances of one class (a binary name such as {@code a.b.C$D}), 0 if none. */
    public long instances(String className) {
        long[] counts = classes.get(className);
        return counts == null ? 0 : counts[0];
    }

    /** Shallow bytes of the live instances of one class, 0 if none. */
    public long bytes(String className) {
        long[] counts = classes.get(className);
        return counts == null ? 0 : counts[1];
    }

    /** Bytes of every live object of the JVM, the histogram's total. */
    public long totalBytes() {
        return totalBytes;
    }

    /**
     * The agent's classes whose instance count differs between {@code before} and this histogram by
     * at least {@code minInstances}, largest byte change first, one a line: what grew or shrank.
     */
    public String agentChangesSince(AgentHeap before, long minInstances) {
        return changesSince(before, minInstances, true);
    }

    /** As {@link #agentChangesSince}, for every class of the JVM. */
    public String changesSince(AgentHeap before, long minInstances) {
        return changesSince(before, minInstances, false);
    }

    private String changesSince(AgentHeap before, long minInstances, boolean agentOnly) {
        List<String> names = new ArrayList<>();
        for (String name : classes.keySet()) {
            if (!agentOnly || isAgent(name)) {
                names.add(name);
            }
        }
        for (String name : before.classes.keySet()) {
            if ((!agentOnly || isAgent(name)) && !classes.containsKey(name)) {
                names.add(name);
            }
        }
        names.removeIf(n -> Math.abs(instances(n) - before.instances(n)) < minInstances);
        names.sort(Comparator.comparingLong((String n) -> -Math.abs(bytes(n) - before.bytes(n))));
        StringBuilder out = new StringBuilder();
        for (String name : names) {
            out.append(String.format("%+d instances, %+d bytes: %s%n",
                    instances(name) - before.instances(name), bytes(name) - before.bytes(name), name));
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "agent " + agentBytes() + " bytes of " + totalBytes + " live";
    }
}
