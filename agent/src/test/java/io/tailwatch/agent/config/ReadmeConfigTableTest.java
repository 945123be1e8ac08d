package io.tailwatch.agent.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's configuration table has one row per {@link ConfigKey}: the key in backticks in the
 * first column and its default in backticks in the column headed "Default" ({@code (none)} or an
 * empty cell for an empty default).
 */
class ReadmeConfigTableTest {
    private static Path readme() {
        // Surefire runs with the agent module as working directory; the README is at the repository root.
        return Path.of("").toAbsolutePath().getParent().resolve("README.md");
    }

    private static List<String> cells(String row) {
        String r = row.trim();
        if (r.startsWith("|")) {
            r = r.substring(1);
        }
        if (r.endsWith("|")) {
            r = r.substring(0, r.length() - 1);
        }
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean inCode = false;
        for (int i = 0; i < r.length(); i++) {
            char c = r.charAt(i);
            if (c == '\\' && i + 1 < r.length() && r.charAt(i + 1) == '|') {
                cell.append('|');
                i++;
            } else if (c == '`') {
                inCode = !inCode;
                cell.append(c);
            } else if (c == '|' && !inCode) {
                cells.add(cell.toString().trim());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString().trim());
        return cells;
    }

    private static String firstCode(String cell) {
        int start = cell.indexOf('`');
        int end = start < 0 ? -1 : cell.indexOf('`', start + 1);
        return end < 0 ? null : cell.substring(start + 1, end);
    }

    /** The table (its lines) that holds a row whose first cell is {@code `port`}. */
    private static List<String> configTable(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("| `") && "port".equals(firstCode(cells(line).get(0)))) {
                int start = i;
                while (start > 0 && lines.get(start - 1).trim().startsWith("|")) {
                    start--;
                }
                int end = i;
                while (end + 1 < lines.size() && lines.get(end + 1).trim().startsWith("|")) {
                    end++;
                }
                return lines.subList(start, end + 1);
            }
        }
        return null;
    }

    @Test
    void readmeHasOneRowPerConfigKeyWithItsDefault() throws IOException {
        Path readme = readme();
        assertTrue(Files.isRegularFile(readme), "README.md not found at " + readme);
        List<String> table = configTable(Files.readAllLines(readme));
        if (table == null) {
            fail("README.md has no table row starting with | `port` |");
        }
        List<String> header = cells(table.get(0));
        int defaultColumn = -1;
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).toLowerCase(Locale.ROOT).contains("default")) {
                defaultColumn = i;
            }
        }
        assertTrue(defaultColumn > 0, "the configuration table has no column headed Default: " + table.get(0));

        Map<String, String> readmeDefaults = new LinkedHashMap<>();
        for (String line : table) {
            if (!line.startsWith("| `")) {
                continue;
            }
            List<String> cells = cells(line);
            String key = firstCode(cells.get(0));
            assertTrue(cells.size() > defaultColumn, "row has no default cell: " + line);
            String cell = cells.get(defaultColumn);
            String value = firstCode(cell);
            if (value == null) {
                value = cell;
            }
            if (value.equals("(none)") || value.equals("none") || value.equals("-") || value.equals("—")) {
                value = "";
            }
            String previous = readmeDefaults.put(key, value);
            assertEquals(null, previous, "README lists key '" + key + "' twice");
        }

        Map<String, String> expected = new LinkedHashMap<>();
        for (ConfigKey k : ConfigKey.values()) {
            expected.put(k.key(), k.defaultValue());
        }
        assertEquals(expected.keySet(), readmeDefaults.keySet(), "keys of the README configuration table");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertEquals(e.getValue(), readmeDefaults.get(e.getKey()), "README default of '" + e.getKey() + "'");
        }
    }
}
