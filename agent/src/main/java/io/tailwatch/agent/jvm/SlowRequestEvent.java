package io.tailwatch.agent.jvm;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A request slower than the agent's {@code slow.request} threshold, in any JFR recording of the
 * service, beside the GC and safepoint events that may explain it. Its own timestamp is the end of
 * the request.
 */
@Name("tailwatch.SlowRequest")
@Label("Slow HTTP Request")
@Category({"tailwatch", "HTTP"})
@Description("An HTTP server request that took at least the tailwatch agent's slow.request threshold, with the time it lost to stop-the-world stalls of the JVM")
@StackTrace(false)
public final class SlowRequestEvent extends jdk.jfr.Event {
    @Label("Method")
    String method;

    @Label("Route")
    @Description("The route template the framework matched, or null")
    String route;

    @Label("Status")
    @Description("The response status code, or 0 if none was sent")
    int status;

    @Label("Request Duration")
    @Timespan(Timespan.NANOSECONDS)
    long requestDuration;

    @Label("Pause Overlap")
    @Description("Time of the request during which the JVM was stopped, as known when it ended")
    @Timespan(Timespan.NANOSECONDS)
    long pauseOverlap;
}
