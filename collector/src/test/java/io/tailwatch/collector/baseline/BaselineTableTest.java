package io.tailwatch.collector.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tailwatch.collector.table.Column;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BaselineTableTest {

    /** dashboards/baselines, the copy the jar's resources are built from. */
    private static final Path SHIPPED = Path.of(System.getProperty("user.dir")).resolveSibling("dashboards").resolve("baselines");

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void everyReferenceTableIsInTheJarWithTheStudysSevenFrameworks(Scenario scenario) throws IOException {
        BaselineTable table = BaselineTable.reference(scenario);
        assertEquals(7, table.rows().size(), scenario.file());
        assertEquals(Column.QPS, table.columns().get(0), "every table starts with qps, by which rows are placed");
        assertEquals(BaselineTable.load(SHIPPED.resolve(scenario.file())), withSource(table, SHIPPED.resolve(scenario.file()).toString()),
                "the resource is the shipped file");
        for (BaselineTable.Row row : table.rows()) {
            for (Column column : table.columns()) {
                assertTrue(row.figures().has(column), row.name() + " " + column.key());
            }
        }
    }

    @Test
    void readsTheStudysFiguresAsPublished() {
        BaselineTable table = BaselineTable.reference(Scenario.KEEPALIVE_WRK);
        BaselineTable.Row tokio = table.rows().get(0);
        assertEquals("Tokio", tokio.name());
        assertEquals(340130.92, tokio.figures().get(Column.QPS));
        assertEquals(5.96, tokio.figures().get(Column.P99_LATENCY));
        assertEquals(List.of(Column.QPS, Column.AVG_LATENCY, Column.P99_LATENCY, Column.MEMORY, Column.CPU), table.columns());
    }

    @Test
    void aUserFileMayHaveAnySubsetOfColumnsQuotedNamesEmptyCellsAndRankColumns(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("mine.csv");
        Files.writeString(file, "framework,qps,p99_latency_ms,qps_rank\n\"Mine, tuned\",1234.5,,2/8\nOther,10,3.5,\n",
                StandardCharsets.UTF_8);
        BaselineTable table = BaselineTable.load(file);
        assertEquals(List.of(Column.QPS, Column.P99_LATENCY), table.columns());
        assertEquals("Mine, tuned", table.rows().get(0).name());
        assertEquals(1234.5, table.rows().get(0).figures().get(Column.QPS));
        assertTrue(!table.rows().get(0).figures().has(Column.P99_LATENCY));
        assertEquals(3.5, table.rows().get(1).figures().get(Column.P99_LATENCY));
    }

    @Test
    void aMalformedFileIsAnErrorNamingFileLineAndProblem() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> BaselineTable.read("f.csv", new StringReader("framework,qps,speed\nA,1,2\n")));
        assertTrue(unknown.getMessage().startsWith("f.csv: unknown column 'speed'"), unknown.getMessage());
        IllegalArgumentException cells = assertThrows(IllegalArgumentException.class,
                () -> BaselineTable.read("f.csv", new StringReader("framework,qps\nA,1,2\n")));
        assertTrue(cells.getMessage().startsWith("f.csv line 2: 3 cells"), cells.getMessage());
        IllegalArgumentException number = assertThrows(IllegalArgumentException.class,
                () -> BaselineTable.read("f.csv", new StringReader("framework,qps\nA,fast\n")));
        assertTrue(number.getMessage().contains("'fast' in column qps is not a number"), number.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BaselineTable.read("f.csv", new StringReader("name,qps\n")));
    }

    @Test
    void csvCellsSplitOnCommasOutsideQuotes() {
        assertArrayEquals(new String[] {"a", "b, c", "d\"e", ""}, BaselineTable.split("a,\"b, c\",\"d\"\"e\","));
    }

    private static BaselineTable withSource(BaselineTable table, String source) {
        return new BaselineTable(source, table.columns(), table.rows());
    }
}
