package io.tailwatch.collector.table;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** One row's values by column; a missing column or NaN means no figure. */
public final class Figures {

    private final Map<Column, Double> values;

    public Figures(Map<Column, Double> values) {
        EnumMap<Column, Double> copy = new EnumMap<>(Column.class);
        copy.putAll(values);
        this.values = Collections.unmodifiableMap(copy);
    }

    public double get(Column column) {
        return values.getOrDefault(column, Double.NaN);
    }

    public boolean has(Column column) {
        return !Double.isNaN(get(column));
    }

    public Map<Column, Double> asMap() {
        return values;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Figures figures && values.equals(figures.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
