package io.tailwatch.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The reference tables as data: well-formed, numeric, and described in baselines/README.md. */
class BaselinesTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "keepalive-wrk-product-detail.csv",
        "keepalive-ab-payment-requests.csv",
        "close-wrk-login.csv",
        "close-ab-payment-callbacks.csv",
    })
    void tableIsWellFormedAndDocumented(String file) throws IOException {
        Path baselines = Tools.DIR.resolve("baselines");
        List<String> lines = Files.readAllLines(baselines.resolve(file), StandardCharsets.UTF_8);
        String[] header = lines.get(0).split(",");
        assertEquals("framework", header[0], file);
        assertEquals(8, lines.size(), () -> file + ": a header and the study's seven frameworks");
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            assertEquals(header.length, cells.length, () -> file + ": " + line);
            for (int i = 1; i < cells.length; i++) {
                Double.parseDouble(cells[i]);
            }
        }
        String readme = Files.readString(baselines.resolve("README.md"), StandardCharsets.UTF_8);
        assertTrue(readme.contains("`" + file + "`"), () -> file + " is not in baselines/README.md");
        for (int i = 1; i < header.length; i++) {
            assertTrue(readme.contains("`" + header[i] + "`"), file + ": column " + header[i] + " has no unit in baselines/README.md");
        }
    }
}
