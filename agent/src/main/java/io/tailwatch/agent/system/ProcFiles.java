package io.tailwatch.agent.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Linux {@code /proc} readings taken at scrape time. Each returns an empty result (never throws)
 * where the file is missing, as on other operating systems.
 */
public final class ProcFiles {
    private static final Path NETSTAT = Path.of("/proc/net/netstat");
    private static final Path SELF_STATUS = Path.of("/proc/self/status");

    private ProcFiles() {
    }

    /** The {@code TcpExt} counters of {@code /proc/net/netstat}, such as {@code ListenOverflows}. */
    public static Map<String, Long> tcpExt() {
        return tcpExt(NETSTAT);
    }

    static Map<String, Long> tcpExt(Path file) {
        try {
            return parseTcpExt(Files.readAllLines(file));
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    /** The file holds pairs of lines: {@code TcpExt: Name1 Name2 ...} then {@code TcpExt: 1 2 ...}. */
    static Map<String, Long> parseTcpExt(List<String> lines) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            String names = lines.get(i);
            String numbers = lines.get(i + 1);
            if (names.startsWith("TcpExt:") && numbers.startsWith("TcpExt:")) {
                String[] n = names.substring(7).trim().split("\\s+");
                String[] v = numbers.substring(7).trim().split("\\s+");
                for (int k = 0; k < Math.min(n.length, v.length); k++) {
                    try {
                        values.put(n[k], Long.parseLong(v[k]));
                    } catch (NumberFormatException ignored) {
                        // A value this parser does not understand is left out, not guessed.
                    }
                }
                break;
            }
        }
        return values;
    }

    /** Resident set size of this process in bytes ({@code VmRSS}), or -1 if unknown. */
    public static long residentBytes() {
        try {
            for (String line : Files.readAllLines(SELF_STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
