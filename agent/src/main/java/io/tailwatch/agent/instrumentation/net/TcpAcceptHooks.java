package io.tailwatch.agent.instrumentation.net;

import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.support.AgentThread;

/** What the accept-path advice calls: counts connections the application accepted. */
public final class TcpAcceptHooks {
    private TcpAcceptHooks() {
    }

    public static void accepted() {
        try {
            Recording r = Recording.current();
            if (r != null && !AgentThread.isCurrent()) {
                r.connections().accepted();
            }
        } catch (Throwable t) {
            AgentErrors.record("tcp-accept", t);
        }
    }
}
