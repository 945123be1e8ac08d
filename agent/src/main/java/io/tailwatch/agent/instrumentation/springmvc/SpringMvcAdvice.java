package io.tailwatch.agent.instrumentation.springmvc;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import net.bytebuddy.asm.Advice;
import org.springframework.web.servlet.HandlerMapping;

/**
 * The advice woven into Spring MVC 6 (jakarta.servlet). The servlet and Spring types appear only in
 * the advice bodies, never in their signatures (see the Tomcat advice for why); the instrumentation
 * applies it only to methods that take a {@code jakarta.servlet} request, so that the casts here
 * always resolve.
 *
 * <p>The route is read from {@code HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE} right after the
 * mapping has set it: Spring's public contract for "the pattern this request matched", filled the
 * same way whether the application parses patterns with {@code PathPatternParser} or with
 * {@code AntPathMatcher}. It costs one attribute lookup per dispatch.
 *
 * <p>Error dispatches are skipped: the error page a container forwards to ({@code /error} in
 * Spring Boot) names no route the client asked for, and a request that matched nothing (a 404)
 * must stay without a route rather than take the error page's.
 */
final class SpringMvcAdvice {
    private SpringMvcAdvice() {
    }

    /** Constructors of the handler mappings that know route templates. */
    static final class MappingCreated {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit() {
            SpringMvcHooks.mappingCreated();
        }
    }

    /**
     * {@code RequestMappingInfoHandlerMapping.handleMatch(info, lookupPath, request)}: an annotated
     * controller method ({@code @RequestMapping}, {@code @GetMapping}...) was chosen for the request.
     */
    static final class HandlerMatched {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(2) Object request) {
            HttpServletRequest servletRequest = (HttpServletRequest) request;
            if (servletRequest.getDispatcherType() != DispatcherType.ERROR) {
                Object pattern = servletRequest.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
                if (pattern instanceof String) {
                    SpringMvcHooks.matched((String) pattern);
                }
            }
        }
    }

    /**
     * {@code RouterFunctionMapping.getHandlerInternal(request)}: a functional route
     * ({@code RouterFunctions.route()}) was looked up; a non-null handler means one matched, and
     * the mapping has set the pattern it matched by path, if any.
     */
    static final class RouterMatched {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(0) Object request, @Advice.Return Object handler) {
            if (handler != null) {
                HttpServletRequest servletRequest = (HttpServletRequest) request;
                if (servletRequest.getDispatcherType() != DispatcherType.ERROR) {
                    Object pattern = servletRequest.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
                    if (pattern instanceof String) {
                        SpringMvcHooks.matched((String) pattern);
                    }
                }
            }
        }
    }
}
