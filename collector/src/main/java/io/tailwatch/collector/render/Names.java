package io.tailwatch.collector.render;

import io.tailwatch.collector.baseline.RankedTable;

import java.net.URI;

/** How rows are named in the outputs. */
public final class Names {

    private Names() {
    }

    /** A target's {@code host:port} when it is the agent's usual {@code /metrics}, its whole URL otherwise. */
    public static String of(RankedTable.Entry entry) {
        if (entry.kind() != RankedTable.Kind.LIVE) {
            return entry.name();
        }
        try {
            URI uri = URI.create(entry.name());
            if ("/metrics".equals(uri.getPath()) && uri.getQuery() == null && "http".equals(uri.getScheme())) {
                return uri.getAuthority();
            }
        } catch (IllegalArgumentException e) {
            // Not a URL: keep it as given.
        }
        return entry.name();
    }

    public static String kind(RankedTable.Kind kind) {
        return switch (kind) {
            case LIVE -> "live";
            case REFERENCE -> "reference";
            case BASELINE -> "baseline";
        };
    }
}
