package io.tailwatch.collector.render;

import io.tailwatch.collector.baseline.RankedTable;

import java.util.Locale;

/** The output formats of {@code table}. */
public enum Format {
    MARKDOWN {
        @Override
        public String render(RankedTable table) {
            return MarkdownRenderer.render(table);
        }
    },
    CSV {
        @Override
        public String render(RankedTable table) {
            return CsvRenderer.render(table);
        }
    },
    JSON {
        @Override
        public String render(RankedTable table) {
            return JsonRenderer.render(table);
        }
    };

    public abstract String render(RankedTable table);

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
