package io.tailwatch.collector.baseline;

import io.tailwatch.collector.table.Column;
import io.tailwatch.collector.table.Figures;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A table in the reference tables' CSV format: a header {@code framework,<column>,...} whose
 * columns are keys of {@link Column} (their suffix is the unit), then one row per framework.
 * A {@code <column>_rank} column (as the collector's own CSV output has) is ignored.
 */
public record BaselineTable(String source, List<Column> columns, List<Row> rows) {

    public record Row(String name, Figures figures) {
    }

    public BaselineTable {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }

    /** The reference table of a scenario, from the jar's resources (copies of dashboards/baselines). */
    public static BaselineTable reference(Scenario scenario) {
        String resource = "/io/tailwatch/collector/baselines/" + scenario.file();
        InputStream in = BaselineTable.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("the collector jar has no " + resource);
        }
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return read(scenario.file(), reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A user's baseline file; a malformed one is an error naming the file, line and what is wrong. */
    public static BaselineTable load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(file.toString(), reader);
        }
    }

    static BaselineTable read(String source, Reader reader) throws IOException {
        List<String> lines = new BufferedReader(reader).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(source + ": empty; expected a header framework,qps,...");
        }
        String[] header = split(lines.get(0));
        if (!header[0].equals("framework")) {
            throw new IllegalArgumentException(source + ": the header must start with 'framework', not '" + header[0] + "'");
        }
        Column[] byIndex = new Column[header.length];
        List<Column> columns = new ArrayList<>();
        for (int i = 1; i < header.length; i++) {
            if (header[i].endsWith("_rank")) {
                continue;
            }
            Column column = Column.byKey(header[i]);
            if (column == null) {
                throw new IllegalArgumentException(source + ": unknown column '" + header[i] + "'; known: " + knownKeys());
            }
            byIndex[i] = column;
            columns.add(column);
        }
        List<Row> rows = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            String[] cells = split(lines.get(n));
            if (cells.length != header.length) {
                throw new IllegalArgumentException(source + " line " + (n + 1) + ": " + cells.length + " cells, the header has "
                        + header.length);
            }
            Map<Column, Double> values = new EnumMap<>(Column.class);
            for (int i = 1; i < cells.length; i++) {
                if (byIndex[i] == null || cells[i].isEmpty() || cells[i].equals("-")) {
                    continue;
                }
                try {
                    values.put(byIndex[i], Double.parseDouble(cells[i]));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(source + " line " + (n + 1) + ": '" + cells[i] + "' in column "
                            + header[i] + " is not a number");
                }
            }
            rows.add(new Row(cells[0], new Figures(values)));
        }
        return new BaselineTable(source, columns, rows);
    }

    /** One CSV line: cells separated by commas, a cell in double quotes may hold commas and "" for a quote. */
    static String[] split(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString().strip());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString().strip());
        return cells.toArray(new String[0]);
    }

    private static String knownKeys() {
        StringBuilder keys = new StringBuilder();
        for (Column column : Column.values()) {
            keys.append(keys.length() == 0 ? "" : ", ").append(column.key());
        }
        return keys.toString();
    }
}
