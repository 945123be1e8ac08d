package io.tailwatch.agent.instrumentation.reactor;

import io.tailwatch.agent.instrumentation.netty.ChannelOwner;
import io.tailwatch.agent.instrumentation.netty.NettyAttachedHooks;
import io.tailwatch.agent.instrumentation.netty.NettyHooks;
import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.CurrentRequest;
import io.tailwatch.agent.recording.ServerRequest;

/**
 * What the Reactor advice calls. Reactor Netty runs on Netty, whose instrumentation measures each
 * request; this publishes the request Reactor Netty is handling as {@link CurrentRequest} while it
 * passes the request's messages to the application (also a pipelined request, which Reactor Netty
 * holds back until the previous response is written, outside the decoder's pass), and treats a
 * task that the request's handler gives a Reactor scheduler to run at once as a hand-off to a
 * worker pool ({@link ServerRequest#handOff}): the handler starts when a worker runs the task, and
 * the time the task waited for one is the request's queue time. A delayed task
 * ({@code Mono.delay}) waits for its time, not for a worker, and is no hand-off. Nothing here
 * throws.
 */
public final class ReactorHooks {
    static final String COMPONENT = "reactor";
    /** What {@link #inboundStarting} returns when it published nothing. */
    public static final Object NOT_PUBLISHED = new Object();

    private ReactorHooks() {
    }

    /** Reactor Netty's HTTP server is in the application: servers start publishing their requests. */
    public static void serverPresent() {
        CurrentRequest.want();
    }

    /**
     * Reactor Netty's server connection receives a message of the request it is handling.
     *
     * @return what to hand to {@link #inboundFinished}
     */
    public static Object inboundStarting(Object channel) {
        try {
            ServerRequest request = NettyHooks.requestDueNext(channel);
            return request == null ? NOT_PUBLISHED : CurrentRequest.enter(request);
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
            return NOT_PUBLISHED;
        }
    }

    /**
     * As {@link #inboundStarting}, where Netty's classes were loaded before the agent: for the
     * channel whose attribute value (what the Netty instrumentation tracks of it) is {@code nettyConnection}.
     */
    public static Object inboundStartingAttached(Object nettyConnection) {
        try {
            ServerRequest request = NettyAttachedHooks.requestDueNext(nettyConnection);
            return request == null ? NOT_PUBLISHED : CurrentRequest.enter(request);
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
            return NOT_PUBLISHED;
        }
    }

    public static void inboundFinished(Object published) {
        if (published != NOT_PUBLISHED) {
            CurrentRequest.exit((ServerRequest) published);
        }
    }

    /**
     * A task is being scheduled on a Reactor scheduler.
     *
     * @param delay its delay, in the scheduler's unit; 0 or less to run as soon as a worker is free
     * @return the task to schedule instead: {@code task} itself unless a request is published and
     *         hands its work off here
     */
    public static Runnable scheduling(Runnable task, long delay) {
        if (delay > 0 || task == null) {
            return task;
        }
        try {
            ServerRequest request = CurrentRequest.current();
            if (request == null || !request.inFlight()) {
                return task;
            }
            request.handOff();
            return new HandedOffTask(task, request, System.nanoTime());
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
            return task;
        }
    }

    /**
     * The handler start to record for a request whose work a worker starts at {@code nowNanos},
     * handed off at {@code handedOffNanos}: such that its queue time is the time the work waited for
     * the worker. What the event loop did for the request before it handed the work off (routing,
     * reading the body) is its handler's work, not a wait.
     */
    public static long startAfterWait(ServerRequest request, long handedOffNanos, long nowNanos) {
        return request.arrivalNanos() + Math.max(0, nowNanos - handedOffNanos);
    }

    /** The channel of a connection object Reactor Netty passed, or null. */
    public static Object channelOf(Object connection) {
        return connection instanceof ChannelOwner ? ((ChannelOwner) connection).tailwatch$channel() : null;
    }
}
