package io.tailwatch.collector.alert;

import java.io.IOException;
import java.util.List;

/** Where alert events go besides the terminal and the page. */
public interface AlertSink {

    /** Delivers the events in one request; throws with a one-line message when the receiver did not take them. */
    void send(List<AlertEvent> events) throws IOException, InterruptedException;

    /** Whether firing alerts must be sent again while they last, as a receiver forgets them otherwise. */
    default boolean wantsRepeats() {
        return false;
    }

    String name();
}
