package io.tailwatch.bench;

import java.util.Map;

/** The {@code --name=value} options of a benchmark's command line, each of which must have a default. */
final class BenchOptions {
    private BenchOptions() {
    }

    /**
     * Overwrites the defaults in {@code options} with the arguments; an argument that is not
     * {@code --name=value} with a known name prints the usage and exits with status 2.
     */
    static Map<String, String> parse(String program, Map<String, String> options, String[] args) {
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0 || !options.containsKey(arg.substring(2, eq))) {
                System.err.println("usage: " + program + " [--" + String.join("=.. --", options.keySet()) + "=..]");
                System.exit(2);
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return options;
    }
}
