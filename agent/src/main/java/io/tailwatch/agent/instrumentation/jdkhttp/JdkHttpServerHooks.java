package io.tailwatch.agent.instrumentation.jdkhttp;

import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.ThreadAllocation;

import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * What the JDK HTTP server advice calls: each method takes the server's own objects as
 * {@code Object}, finds the {@link JdkHttpConnection} through the accessors the instrumentation
 * added, and never throws.
 */
public final class JdkHttpServerHooks {
    private static final String COMPONENT = "jdk-httpserver";

    private JdkHttpServerHooks() {
    }

    public static JdkHttpConnection connectionOpened() {
        try {
            Recording r = Recording.current();
            return r == null ? null : new JdkHttpConnection(r.http(), r.connections(), System.nanoTime());
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
            return null;
        }
    }

    public static void connectionClosed(JdkHttpConnection c) {
        if (c != null) {
            try {
                c.closed(System.nanoTime());
            } catch (Throwable t) {
                AgentErrors.record(COMPONENT, t);
            }
        }
    }

    /** {@code ServerImpl.start()} returned: its executor is final from now on. */
    public static void serverStarted(Object executor, Object listenChannel) {
        try {
            Recording r = Recording.current();
            if (r != null && executor instanceof ThreadPoolExecutor) {
                int port = -1;
                if (listenChannel instanceof ServerSocketChannel) {
                    port = ((ServerSocketChannel) listenChannel).socket().getLocalPort();
                }
                r.pools().register(COMPONENT, port, (ThreadPoolExecutor) executor);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /** {@code ServerImpl.stop(int)} was called. */
    public static void serverStopped(Object executor) {
        Recording r = Recording.current();
        if (r != null && executor instanceof ThreadPoolExecutor) {
            r.pools().unregister(executor);
        }
    }

    public static void exchangeTaskCreated(Object httpConnection) {
        JdkHttpConnection c = ofConnection(httpConnection);
        if (c != null) {
            c.requestArrived(System.nanoTime());
        }
    }

    /** @return the thread's allocated bytes at the start, to be passed to {@link #exchangeTaskEnded} */
    public static long exchangeTaskStarted(Object httpConnection) {
        JdkHttpConnection c = ofConnection(httpConnection);
        if (c == null) {
            return -1;
        }
        c.workerStarted(System.nanoTime());
        return ThreadAllocation.currentThreadAllocatedBytes();
    }

    /**
     * @param exchange the task's exchange, null if the task read no request
     * @param rejected whether the server answered the request itself
     */
    public static void exchangeTaskEnded(Object httpConnection, long allocatedAtStart, Object exchange, boolean rejected,
                                         Throwable error) {
        JdkHttpConnection c = ofConnection(httpConnection);
        if (c == null) {
            return;
        }
        try {
            long allocated = allocatedAtStart < 0 ? -1 : ThreadAllocation.currentThreadAllocatedBytes() - allocatedAtStart;
            c.workerFinished(allocated, exchange != null || rejected, error, System.nanoTime());
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    public static void rejected(Object httpConnection, int code, String requestLine) {
        JdkHttpConnection c = ofConnection(httpConnection);
        if (c != null) {
            try {
                c.rejected(code, requestLine, System.nanoTime());
            } catch (Throwable t) {
                AgentErrors.record(COMPONENT, t);
            }
        }
    }

    public static void requestParsed(Object httpConnection, String method, long contentLength) {
        JdkHttpConnection c = ofConnection(httpConnection);
        if (c != null) {
            try {
                c.requestParsed(method, contentLength);
            } catch (Throwable t) {
                AgentErrors.record(COMPONENT, t);
            }
        }
    }

    public static void responseStatus(Object httpConnection, int code) {
        JdkHttpConnection c = ofConnection(httpConnection);
        if (c != null) {
            c.responseStatus(code);
        }
    }

    public static void responseBodyWritten(Object exchangeImpl, long bytes) {
        JdkHttpConnection c = ofExchange(exchangeImpl);
        if (c != null) {
            c.responseBodyWritten(bytes);
        }
    }

    public static void responseFinished(Object exchangeImpl) {
        JdkHttpConnection c = ofExchange(exchangeImpl);
        if (c != null) {
            try {
                c.responseFinished(System.nanoTime());
            } catch (Throwable t) {
                AgentErrors.record(COMPONENT, t);
            }
        }
    }

    public static void handlerThrew(Object httpExchange, Throwable error) {
        if (httpExchange instanceof PublicExchangeAccess) {
            JdkHttpConnection c = ofExchange(((PublicExchangeAccess) httpExchange).tailwatch$exchangeImpl());
            if (c != null) {
                c.handlerThrew(error);
            }
        }
    }

    private static JdkHttpConnection ofExchange(Object exchangeImpl) {
        return exchangeImpl instanceof ExchangeAccess
                ? ofConnection(((ExchangeAccess) exchangeImpl).tailwatch$httpConnection())
                : null;
    }

    private static JdkHttpConnection ofConnection(Object httpConnection) {
        return httpConnection instanceof ConnectionAccess
                ? ((ConnectionAccess) httpConnection).tailwatch$connection()
                : null;
    }
}
