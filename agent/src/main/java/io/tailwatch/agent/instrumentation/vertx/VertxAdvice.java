package io.tailwatch.agent.instrumentation.vertx;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import net.bytebuddy.asm.Advice;

/**
 * The advice woven into Vert.x core and Vert.x Web; each piece hands plain values to
 * {@link VertxHooks}. Vert.x Web's {@code RouteState} is package-private: its advice reads its fields.
 */
final class VertxAdvice {
    private VertxAdvice() {
    }

    /** {@code RoutingContextImpl(mountPoint, router, request, routes)}: the router received a request. */
    static final class ContextCreated {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object context, @Advice.Argument(2) HttpServerRequest request) {
            VertxHooks.contextCreated(context, request.connection());
        }
    }

    /** {@code RoutingContextWrapper(mountPoint, routes, inner, router)}: a sub-router takes the request. */
    static final class ContextWrapped {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object wrapper, @Advice.Argument(2) Object inner) {
            VertxHooks.contextWrapped(wrapper, inner);
        }
    }

    /** {@code RouteState.handleContext(context)}: one of a matched route's handlers runs. */
    static final class RouteHandler {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Object enter(@Advice.This Object route, @Advice.FieldValue("path") String path,
                            @Advice.FieldValue("exactPath") boolean exact, @Advice.Argument(0) RoutingContext context) {
            return VertxHooks.handlerStarting(route, path, exact, context, context.mountPoint() != null);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Enter Object published) {
            VertxHooks.handlerReturned(published);
        }
    }

    /** {@code RoutingContextImpl.fail(statusCode, throwable)}: where every failure of a routing ends up. */
    static final class Failed {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object context, @Advice.Argument(0) int statusCode,
                          @Advice.Argument(1) Throwable failure) {
            VertxHooks.failed(context, statusCode, failure);
        }
    }

    /** {@code WorkerTask(metrics, queueMetric)}: a task for Vert.x's worker pool. */
    static final class TaskCreated {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object task) {
            VertxHooks.taskCreated(task);
        }
    }

    /** {@code WorkerTask.run()}: a worker runs the task. */
    static final class TaskRun {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Object enter(@Advice.This Object task) {
            return VertxHooks.taskStarting(task);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object task, @Advice.Enter Object published) {
            VertxHooks.taskFinished(task, published);
        }
    }
}
