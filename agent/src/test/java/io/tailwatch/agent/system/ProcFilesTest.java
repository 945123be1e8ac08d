package io.tailwatch.agent.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcFilesTest {
    /** The shape of /proc/net/netstat: a names line and a values line per group. */
    private static final List<String> NETSTAT = List.of(
            "TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows ListenDrops TCPBacklogDrop",
            "TcpExt: 0 3 17 19 18446744073709551615",
            "IpExt: InNoRoutes InTruncatedPkts InOctets ListenOverflows",
            "IpExt: 1 2 198797586 99");

    @Test
    void parsesTheTcpExtPair() {
        Map<String, Long> values = ProcFiles.parseTcpExt(NETSTAT);
        assertEquals(0L, values.get("SyncookiesSent"));
        assertEquals(3L, values.get("SyncookiesRecv"));
        assertEquals(17L, values.get("ListenOverflows"), "TcpExt's, not IpExt's");
        assertEquals(19L, values.get("ListenDrops"));
        assertEquals(false, values.containsKey("InOctets"), "IpExt is not TcpExt");
        assertEquals(false, values.containsKey("TCPBacklogDrop"), "a value beyond a long is left out");
        assertEquals(4, values.size(), values::toString);
    }

    @Test
    void tcpExtAfterIpExt() {
        Map<String, Long> values = ProcFiles.parseTcpExt(List.of(NETSTAT.get(2), NETSTAT.get(3), NETSTAT.get(0), NETSTAT.get(1)));
        assertEquals(17L, values.get("ListenOverflows"));
        assertEquals(19L, values.get("ListenDrops"));
    }

    @Test
    void noTcpExtIsEmpty() {
        assertEquals(Map.of(), ProcFiles.parseTcpExt(List.of(NETSTAT.get(2), NETSTAT.get(3))));
        assertEquals(Map.of(), ProcFiles.parseTcpExt(List.of()));
        assertEquals(Map.of(), ProcFiles.parseTcpExt(List.of("TcpExt: ListenOverflows")));
    }

    @Test
    void shortValuesLineKeepsWhatItHas() {
        Map<String, Long> values = ProcFiles.parseTcpExt(List.of("TcpExt: A B C", "TcpExt: 1 2"));
        assertEquals(Map.of("A", 1L, "B", 2L), values);
    }

    @Test
    void missingFileIsEmpty(@TempDir Path dir) {
        assertEquals(Map.of(), ProcFiles.tcpExt(dir.resolve("netstat")));
    }

    @Test
    void readsAFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("netstat");
        Files.write(f, NETSTAT);
        assertEquals(17L, ProcFiles.tcpExt(f).get("ListenOverflows"));
    }

    @Test
    void thisLinuxMachineHasListenOverflows() {
        Map<String, Long> values = ProcFiles.tcpExt();
        assertTrue(values.containsKey("ListenOverflows"), values::toString);
        assertTrue(values.get("ListenOverflows") >= 0);
        assertTrue(values.containsKey("ListenDrops"), values::toString);
    }

    @Test
    void residentBytesOfThisProcess() {
        long rss = ProcFiles.residentBytes();
        assertTrue(rss > 1024 * 1024, "VmRSS of a running JVM: " + rss);
        assertEquals(0, rss % 1024);
    }
}
