package io.tailwatch.collector.source;

import io.tailwatch.collector.table.TargetRow;

import java.util.List;

/** Where the table's live rows come from. */
public interface Source extends AutoCloseable {

    /** Reads the targets now and returns one row per target over the window read so far. */
    List<TargetRow> read();

    @Override
    default void close() {
    }
}
