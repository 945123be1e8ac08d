package io.tailwatch.collector.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tailwatch.collector.table.Column;
import io.tailwatch.collector.table.Figures;
import io.tailwatch.collector.table.TargetRow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankedTableTest {

    private static TargetRow live(String target, Map<Column, Double> values) {
        return new TargetRow(target, 1, 100, 100, 0, new Figures(values), null);
    }

    @Test
    void theLiveRowIsPlacedByQpsAndRankedPerColumnAmongTheReferenceRows() {
        // close-ab: Rust Standard Library is last with 31511.00 qps, Node before it with 44763.11.
        TargetRow mine = live("http://127.0.0.1:9464/metrics", Map.of(Column.QPS, 40000.0, Column.AVG_LATENCY, 1.0,
                Column.ERROR_RATE, 0.0, Column.THROUGHPUT, 100.0, Column.CONN_REUSE, 0.0, Column.CPU, 50.0));
        RankedTable table = RankedTable.build(Scenario.CLOSE_AB, List.of(), List.of(mine));
        assertEquals(8, table.entries().size());
        RankedTable.Entry entry = table.entries().get(6);
        assertEquals(RankedTable.Kind.LIVE, entry.kind(), "between Node (44763) and Rust std (31511)");
        assertEquals("7/8", entry.ranks().get(Column.QPS));
        assertEquals("1/8", entry.ranks().get(Column.AVG_LATENCY), "lower latency ranks first");
        assertEquals("1/8", entry.ranks().get(Column.ERROR_RATE), "every row has 0 % errors: all share rank 1");
        assertEquals("8/8", entry.ranks().get(Column.THROUGHPUT));
        assertEquals("1/8", entry.ranks().get(Column.CONN_REUSE));
        assertEquals(List.of(Column.QPS, Column.AVG_LATENCY, Column.ERROR_RATE, Column.THROUGHPUT, Column.CONN_REUSE), table.columns(),
                "the scenario's columns only (CPU is not in close-ab)");
        assertEquals("Tokio", table.entries().get(0).name());
        assertEquals("1/8", table.entries().get(0).ranks().get(Column.QPS));
    }

    @Test
    void aColumnWithoutAValueIsNotRankedAndRanksCountOnlyRowsWithValues() {
        TargetRow quiet = live("a", Map.of(Column.QPS, 10.0));
        RankedTable table = RankedTable.build(Scenario.KEEPALIVE_WRK, List.of(), List.of(quiet));
        RankedTable.Entry entry = table.entries().get(table.entries().size() - 1);
        assertEquals("a", entry.name());
        assertEquals("8/8", entry.ranks().get(Column.QPS));
        assertNull(entry.ranks().get(Column.P99_LATENCY));
        RankedTable.Entry tokio = table.entries().get(0);
        // Node 0.83762, Go 1.15, Gin 4.67, then Tokio 5.96 ms: ranked among the seven rows that have a P99.
        assertEquals("4/7", tokio.ranks().get(Column.P99_LATENCY));
    }

    @Test
    void withoutScenarioOrBaselinesTheLiveRowsStandAloneWithEveryColumnAndNoRanks() {
        RankedTable table = RankedTable.build(null, List.of(), List.of(live("a", Map.of(Column.QPS, 1.0)), live("b", Map.of())));
        assertEquals(List.of(Column.values()), table.columns());
        assertEquals(List.of("a", "b"), table.entries().stream().map(RankedTable.Entry::name).toList());
        assertTrue(table.entries().stream().allMatch(e -> e.ranks().isEmpty()));
    }

    @Test
    void userBaselineRowsJoinTheRanking() {
        BaselineTable mine = new BaselineTable("mine.csv", List.of(Column.QPS),
                List.of(new BaselineTable.Row("yesterday", new Figures(Map.of(Column.QPS, 400000.0)))));
        RankedTable table = RankedTable.build(Scenario.KEEPALIVE_WRK, List.of(mine), List.of());
        assertEquals("yesterday", table.entries().get(0).name());
        assertEquals(RankedTable.Kind.BASELINE, table.entries().get(0).kind());
        assertEquals("1/8", table.entries().get(0).ranks().get(Column.QPS));
        assertEquals("2/8", table.entries().get(1).ranks().get(Column.QPS));
    }
}
