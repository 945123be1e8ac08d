package io.tailwatch.collector.scrape;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus text exposition format 0.0.4, which the agent answers with unless asked for
 * OpenMetrics; an OpenMetrics body (its {@code # EOF} line and exemplars) is read as well, so that a
 * recorded body of either kind can be replayed.
 */
public final class TextFormatParser {

    private TextFormatParser() {
    }

    public static Snapshot parse(String target, long nanoTime, Instant wallTime, String text) {
        Map<String, String> types = new HashMap<>();
        List<Sample> samples = new ArrayList<>();
        int lineNumber = 0;
        for (String line : text.split("\n", -1)) {
            lineNumber++;
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.startsWith("#")) {
                readComment(trimmed, types);
                continue;
            }
            try {
                samples.add(new LineReader(trimmed).sample());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + lineNumber + ": " + e.getMessage()
                        + ": " + abbreviate(trimmed), e);
            }
        }
        return new Snapshot(target, nanoTime, wallTime, types, samples);
    }

    private static void readComment(String line, Map<String, String> types) {
        String[] words = line.substring(1).strip().split("[ \t]+", 3);
        if (words.length == 3 && words[0].equals("TYPE")) {
            types.put(words[1], words[2].strip());
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 120 ? line : line.substring(0, 117) + "...";
    }

    /** One sample line, read character by character because label values may hold any character. */
    private static final class LineReader {
        private final String line;
        private int pos;

        LineReader(String line) {
            this.line = line;
        }

        Sample sample() {
            String name = name();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("no metric name");
            }
            Map<String, String> labels = new LinkedHashMap<>();
            skipBlanks();
            if (peek() == '{') {
                pos++;
                labels(labels);
            }
            skipBlanks();
            String valueText = word();
            if (valueText.isEmpty()) {
                throw new IllegalArgumentException("no value");
            }
            double value = number(valueText);
            skipBlanks();
            // An optional timestamp, then possibly an OpenMetrics exemplar (" # {...} value"): both ignored,
            // the collector times each scrape itself.
            String rest = line.substring(pos).strip();
            if (!rest.isEmpty() && !rest.startsWith("#")) {
                String timestamp = word();
                try {
                    Double.parseDouble(timestamp);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("unexpected '" + timestamp + "' after the value");
                }
                skipBlanks();
                if (pos < line.length() && peek() != '#') {
                    throw new IllegalArgumentException("unexpected text after the timestamp");
                }
            }
            return new Sample(name, labels, value);
        }

        private void labels(Map<String, String> labels) {
            while (true) {
                skipBlanks();
                if (peek() == '}') {
                    pos++;
                    return;
                }
                String label = name();
                if (label.isEmpty()) {
                    throw new IllegalArgumentException("a label name expected at column " + (pos + 1));
                }
                skipBlanks();
                expect('=');
                skipBlanks();
                expect('"');
                labels.put(label, quoted());
                skipBlanks();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw new IllegalArgumentException("',' or '}' expected at column " + (pos + 1));
                }
            }
        }

        /** The rest of a quoted label value, after the opening quote; unescapes \\, \" and \n. */
        private String quoted() {
            StringBuilder value = new StringBuilder();
            while (pos < line.length()) {
                char c = line.charAt(pos++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\' && pos < line.length()) {
                    char escaped = line.charAt(pos++);
                    value.append(switch (escaped) {
                        case 'n' -> '\n';
                        case '\\' -> '\\';
                        case '"' -> '"';
                        default -> throw new IllegalArgumentException("unknown escape \\" + escaped + " in a label value");
                    });
                } else {
                    value.append(c);
                }
            }
            throw new IllegalArgumentException("unterminated label value");
        }

        private String name() {
            int start = pos;
            while (pos < line.length()) {
                char c = line.charAt(pos);
                boolean ok = c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                        || (pos > start && c >= '0' && c <= '9');
                if (!ok) {
                    break;
                }
                pos++;
            }
            return line.substring(start, pos);
        }

        private String word() {
            int start = pos;
            while (pos < line.length() && line.charAt(pos) != ' ' && line.charAt(pos) != '\t') {
                pos++;
            }
            return line.substring(start, pos);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("'" + c + "' expected at column " + (pos + 1));
            }
            pos++;
        }

        private char peek() {
            return pos < line.length() ? line.charAt(pos) : '\0';
        }

        private void skipBlanks() {
            while (pos < line.length() && (line.charAt(pos) == ' ' || line.charAt(pos) == '\t')) {
                pos++;
            }
        }
    }

    /** A sample value: Go's float syntax as Prometheus writes it, with NaN and signed infinities. */
    static double number(String text) {
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
            case "Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + text + "' is not a number");
                }
        }
    }
}
