package io.tailwatch.agent.instrumentation.springwebflux;

import net.bytebuddy.asm.Advice;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.ErrorResponse;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;

import java.util.Map;

/** The advice woven into Spring WebFlux; each piece hands plain values to {@link SpringWebfluxHooks}. */
final class SpringWebfluxAdvice {
    private SpringWebfluxAdvice() {
    }

    /**
     * {@code RequestMappingInfoHandlerMapping.handleMatch(info, handlerMethod, exchange)}: an
     * annotated handler matched. A mapping without patterns makes Spring parse the request's own
     * path into the attribute: that is no template, and names nothing.
     */
    static final class HandleMatch {
        // handleMatch never assigns its parameters: without backupArguments = false Byte Buddy would
        // copy them to new locals, and every load of them in the method would take a byte more.
        @Advice.OnMethodExit(suppress = Throwable.class, backupArguments = false)
        static void exit(@Advice.Argument(0) RequestMappingInfo info, @Advice.Argument(2) ServerWebExchange exchange) {
            Object pattern = exchange.getAttributes().get(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
            if (pattern instanceof PathPattern && !info.getPatternsCondition().getPatterns().isEmpty()) {
                Object nativeRequest = null;
                try {
                    nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
                } catch (RuntimeException notAServerRequest) {
                    // A request that wraps no server's own (a test's mock): the published request names it.
                }
                SpringWebfluxHooks.matched(nativeRequest, ((PathPattern) pattern).getPatternString());
            }
        }
    }

    /**
     * {@code RouterFunctionMapping.setAttributes(attributes, request, handlerFunction)}: a router
     * function matched; the pattern is that of its path predicates, if any.
     */
    static final class RouterFunctionMatch {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(0) Map<String, Object> attributes,
                         @Advice.Argument(1) org.springframework.web.reactive.function.server.ServerRequest request) {
            Object pattern = attributes.get(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
            if (pattern instanceof PathPattern) {
                Object nativeRequest = null;
                try {
                    nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request.exchange().getRequest());
                } catch (RuntimeException notAServerRequest) {
                    // As above.
                }
                SpringWebfluxHooks.matched(nativeRequest, ((PathPattern) pattern).getPatternString());
            }
        }
    }

    /**
     * {@code WebExceptionHandler.handle(exchange, throwable)}, in every implementation: the chain of
     * exception handlers is given what the handler threw. One that carries a 4xx status is the
     * client's and names no error.
     */
    static final class ExceptionHandled {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) ServerWebExchange exchange, @Advice.Argument(1) Throwable error) {
            if (error == null || (error instanceof ErrorResponse && ((ErrorResponse) error).getStatusCode().value() < 500)) {
                return;
            }
            Object nativeRequest = null;
            try {
                nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
            } catch (RuntimeException notAServerRequest) {
                // As above.
            }
            SpringWebfluxHooks.threw(nativeRequest, error);
        }
    }
}
