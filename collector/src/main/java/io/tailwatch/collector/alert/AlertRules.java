package io.tailwatch.collector.alert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The rules of {@code --alert} and {@code --alerts FILE}, read once before the first scrape. */
public final class AlertRules {

    private AlertRules() {
    }

    /** One rule a line in the file; blank lines and lines starting with # are skipped. Errors name the file and line. */
    public static List<AlertRule> load(List<String> rules, Path file) {
        List<AlertRule> parsed = new ArrayList<>();
        for (String rule : rules) {
            parsed.add(AlertRule.parse(rule));
        }
        if (file != null) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("--alerts " + file + ": no such file");
            } catch (IOException e) {
                throw new IllegalArgumentException("--alerts " + file + ": cannot read it: " + e.getMessage());
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                try {
                    parsed.add(AlertRule.parse(line));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage());
                }
            }
        }
        return parsed;
    }
}
