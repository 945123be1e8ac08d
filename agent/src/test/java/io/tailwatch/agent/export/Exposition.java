package io.tailwatch.agent.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small parser of the Prometheus text format and OpenMetrics, for the tests. */
final class Exposition {
    /** One sample line, with the family whose {@code # TYPE} line it follows. */
    static final class Sample {
        final String family;
        final String name;
        final Map<String, String> labels;
        final double value;

        Sample(String family, String name, Map<String, String> labels, double value) {
            this.family = family;
            this.name = name;
            this.labels = labels;
            this.value = value;
        }

        Map<String, String> labelsWithout(String name) {
            Map<String, String> copy = new LinkedHashMap<>(labels);
            copy.remove(name);
            return copy;
        }

        @Override
        public String toString() {
            return name + labels + " " + value;
        }
    }

    final List<String> lines;
    final Map<String, String> types = new LinkedHashMap<>();
    final List<Sample> samples = new ArrayList<>();

    private Exposition(List<String> lines) {
        this.lines = lines;
    }

    static Exposition parse(String text) {
        Exposition e = new Exposition(List.of(text.split("\n", -1)));
        String family = null;
        for (String line : e.lines) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                if (parts.length != 2) {
                    throw new IllegalArgumentException("bad TYPE line: " + line);
                }
                family = parts[0];
                if (e.types.put(family, parts[1]) != null) {
                    throw new IllegalArgumentException("family typed twice: " + line);
                }
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            e.samples.add(parseSample(family, line));
        }
        return e;
    }

    private static Sample parseSample(String family, String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        if (name.isEmpty() || !name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException("bad metric name in: " + line);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                    throw new IllegalArgumentException("bad label name '" + label + "' in: " + line);
                }
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("unquoted label value in: " + line);
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label, value.toString()) != null) {
                    throw new IllegalArgumentException("label twice in: " + line);
                }
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new IllegalArgumentException("no value in: " + line);
        }
        String[] rest = line.substring(i + 1).split(" ");
        return new Sample(family, name, labels, number(rest[0]));
    }

    static double number(String s) {
        switch (s) {
            case "+Inf": return Double.POSITIVE_INFINITY;
            case "-Inf": return Double.NEGATIVE_INFINITY;
            case "NaN": return Double.NaN;
            default: return Double.parseDouble(s);
        }
    }

    List<Sample> named(String name) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (s.name.equals(name)) {
                out.add(s);
            }
        }
        return out;
    }

    /** The one sample of that name with exactly these labels. */
    Sample sample(String name, Map<String, String> labels) {
        Sample found = null;
        for (Sample s : named(name)) {
            if (s.labels.equals(labels)) {
                if (found != null) {
                    throw new AssertionError("two samples " + name + labels);
                }
                found = s;
            }
        }
        if (found == null) {
            throw new AssertionError("no sample " + name + labels + " among " + named(name));
        }
        return found;
    }

    List<Sample> ofFamily(String family) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (family.equals(s.family)) {
                out.add(s);
            }
        }
        return out;
    }
}
