package io.tailwatch.collector.bench;

import io.tailwatch.collector.table.Column;
import io.tailwatch.collector.table.Figures;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What wrk or ab printed, in the table's columns: QPS, mean and P99 latency, error rate and KB/s (the
 * client's view; the agent gives the rest). ab's throughput counts headers too, wrk's all bytes read:
 * both above the agent's body-only KB/s.
 *
 * @param requests completed requests as the client counted them
 * @param errors   failed requests and non-2xx/3xx responses (wrk: connect, write and timeout errors too)
 * @param errorLines the client's own lines that break its errors down, when it had any: a refused connect
 *                 or a timeout the server never saw is the client's or the kernel's, a non-2xx response
 *                 the service's
 */
public record ClientReport(double requests, double errors, double seconds, Figures figures, List<String> errorLines) {

    public static ClientReport parse(LoadClient client, String output) {
        return client == LoadClient.WRK ? wrk(output) : ab(output);
    }

    static ClientReport wrk(String out) {
        Matcher total = find(out, "(\\d+) requests in ([0-9.]+)(us|ms|s|m),");
        double requests = Double.parseDouble(total.group(1));
        double seconds = seconds(Double.parseDouble(total.group(2)), total.group(3));
        double errors = 0;
        Matcher socket = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
        if (socket.find()) {
            // Not read errors: a server that closes or resets the connection after its response (the JDK's
            // HttpServer under Connection: close, once per connection) makes one, though the response
            // arrived and is counted among the requests.
            errors += Double.parseDouble(socket.group(1)) + Double.parseDouble(socket.group(3)) + Double.parseDouble(socket.group(4));
        }
        Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(out);
        if (non2xx.find()) {
            errors += Double.parseDouble(non2xx.group(1));
        }
        Map<Column, Double> values = new EnumMap<>(Column.class);
        values.put(Column.QPS, Double.parseDouble(find(out, "Requests/sec:\\s+([0-9.]+)").group(1)));
        Matcher latency = find(out, "Latency\\s+([0-9.]+)(us|ms|s|m)\\s");
        values.put(Column.AVG_LATENCY, 1000 * seconds(Double.parseDouble(latency.group(1)), latency.group(2)));
        Matcher p99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s|m)").matcher(out);
        if (p99.find()) {
            values.put(Column.P99_LATENCY, 1000 * seconds(Double.parseDouble(p99.group(1)), p99.group(2)));
        }
        values.put(Column.ERROR_RATE, requests > 0 ? 100 * errors / requests : Double.NaN);
        Matcher transfer = find(out, "Transfer/sec:\\s+([0-9.]+)(B|KB|MB|GB)");
        values.put(Column.THROUGHPUT, kilobytes(Double.parseDouble(transfer.group(1)), transfer.group(2)));
        return new ClientReport(requests, errors, seconds, new Figures(values), errorLines(out, errors));
    }

    static ClientReport ab(String out) {
        double requests = Double.parseDouble(find(out, "Complete requests:\\s+(\\d+)").group(1));
        double failed = Double.parseDouble(find(out, "Failed requests:\\s+(\\d+)").group(1));
        Matcher non2xx = Pattern.compile("Non-2xx responses:\\s+(\\d+)").matcher(out);
        double errors = failed + (non2xx.find() ? Double.parseDouble(non2xx.group(1)) : 0);
        Map<Column, Double> values = new EnumMap<>(Column.class);
        values.put(Column.QPS, Double.parseDouble(find(out, "Requests per second:\\s+([0-9.]+)").group(1)));
        // ab's first "Time per request" is per request as its clients waited: the mean latency.
        values.put(Column.AVG_LATENCY, Double.parseDouble(find(out, "Time per request:\\s+([0-9.]+) \\[ms\\] \\(mean\\)").group(1)));
        Matcher p99 = Pattern.compile("\\n\\s*99%\\s+(\\d+)").matcher(out);
        if (p99.find()) {
            values.put(Column.P99_LATENCY, Double.parseDouble(p99.group(1)));
        }
        values.put(Column.ERROR_RATE, requests > 0 ? 100 * errors / requests : Double.NaN);
        values.put(Column.THROUGHPUT, Double.parseDouble(find(out, "Transfer rate:\\s+([0-9.]+) \\[Kbytes/sec\\]").group(1)));
        double seconds = Double.parseDouble(find(out, "Time taken for tests:\\s+([0-9.]+) seconds").group(1));
        return new ClientReport(requests, errors, seconds, new Figures(values), errorLines(out, errors));
    }

    private static List<String> errorLines(String out, double errors) {
        if (errors == 0) {
            return List.of();
        }
        return out.lines().map(String::strip)
                .filter(line -> line.startsWith("Socket errors:") || line.startsWith("Non-2xx") || line.startsWith("Failed requests:")
                        || line.startsWith("(Connect:"))
                .toList();
    }

    private static Matcher find(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        if (!m.find()) {
            String firstLines = out.lines().limit(3).reduce((a, b) -> a + " / " + b).orElse("(no output)");
            throw new IllegalArgumentException("the load client's output has no /" + regex + "/: " + firstLines);
        }
        return m;
    }

    private static double seconds(double value, String unit) {
        return switch (unit) {
            case "us" -> value / 1e6;
            case "ms" -> value / 1e3;
            case "m" -> value * 60;
            default -> value;
        };
    }

    private static double kilobytes(double value, String unit) {
        return switch (unit.toUpperCase(Locale.ROOT)) {
            case "B" -> value / 1024;
            case "MB" -> value * 1024;
            case "GB" -> value * 1024 * 1024;
            default -> value;
        };
    }
}
