package io.tailwatch.testservers.springmvc;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A Spring Boot 3 application on its embedded Tomcat, configured as Spring Boot's defaults leave it
 * (its error page included), with the paths of the abstract server test and a few templated routes.
 * Usage: {@code SpringMvcService PORT WORKERS} (port 0 picks a free port; WORKERS is Tomcat's
 * thread pool, {@code server.tomcat.threads.max} and {@code min-spare}). With
 * {@code -Dspring.threads.virtual.enabled=true} each request runs on a virtual thread and there is
 * no pool. Prints {@code PATH MATCHING <PathPatternParser|AntPathMatcher>} (set by
 * {@code spring.mvc.pathmatch.matching-strategy}) and {@code LISTENING <port>} when the web server
 * has started. Spring Boot logs to
 * standard output (its console appender); the banner is off.
 *
 * <p>{@code /error} is Spring Boot's own {@code BasicErrorController}: asked directly, with no
 * error of a previous dispatch to report, it answers 500. Keeping it (rather than a controller of
 * our own at {@code /error} with Boot's error handling turned off) keeps what every Boot
 * application has: an uncaught exception and a 404 are rendered by an error dispatch to
 * {@code /error}, whose route must not become theirs.
 */
@SpringBootApplication
public class SpringMvcService {
    static final byte[] HELLO = "hello, world\n".getBytes(StandardCharsets.UTF_8);
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "async-completer");
        t.setDaemon(true);
        return t;
    });

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        SpringApplication application = new SpringApplication(SpringMvcService.class);
        application.setBannerMode(Banner.Mode.OFF);
        Map<String, Object> properties = new HashMap<>();
        properties.put("server.port", port);
        properties.put("server.address", "127.0.0.1");
        properties.put("server.tomcat.threads.max", workers);
        properties.put("server.tomcat.threads.min-spare", workers);
        application.setDefaultProperties(properties);
        application.addListeners(new Listening());
        application.run();
    }

    /** Prints how the controllers' paths are matched, then the port, once Tomcat listens. */
    static final class Listening implements ApplicationListener<WebServerInitializedEvent> {
        @Override
        public void onApplicationEvent(WebServerInitializedEvent event) {
            RequestMappingHandlerMapping mapping = event.getApplicationContext()
                    .getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
            System.out.println("PATH MATCHING " + (mapping.getPatternParser() != null ? "PathPatternParser" : "AntPathMatcher"));
            System.out.println("LISTENING " + event.getWebServer().getPort());
            System.out.flush();
        }
    }

    /** A functional route, matched by {@code RouterFunctionMapping} rather than by annotations. */
    @Bean
    RouterFunction<ServerResponse> vets() {
        return RouterFunctions.route()
                .GET("/vets/{vetId}", request -> ServerResponse.ok().contentType(MediaType.TEXT_PLAIN)
                        .body("vet " + request.pathVariable("vetId") + "\n"))
                .build();
    }

    @RestController
    static class Endpoints {
        @GetMapping("/hello")
        ResponseEntity<byte[]> hello() {
            return ok();
        }

        @GetMapping("/throw")
        ResponseEntity<byte[]> fail() {
            throw new IllegalStateException("handler failed on purpose");
        }

        @GetMapping("/nobody")
        ResponseEntity<Void> nobody() {
            return ResponseEntity.noContent().build();
        }

        @GetMapping("/chunked")
        void chunked(HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            OutputStream out = response.getOutputStream();
            for (int i = 0; i < 3; i++) {
                out.write(HELLO);
                out.flush();
            }
        }

        @GetMapping("/async")
        DeferredResult<ResponseEntity<byte[]>> async() {
            DeferredResult<ResponseEntity<byte[]>> result = new DeferredResult<>();
            LATER.schedule(() -> result.setResult(ok()), 5, TimeUnit.MILLISECONDS);
            return result;
        }

        @GetMapping("/sleep")
        ResponseEntity<byte[]> sleep(@RequestParam(name = "ms", defaultValue = "5") long ms) throws InterruptedException {
            Thread.sleep(ms);
            return ok();
        }

        @PostMapping("/echo")
        ResponseEntity<byte[]> echo(@RequestBody(required = false) byte[] body) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(body == null ? new byte[0] : body);
        }

        /** Forwards to {@code /hello}: one request, named by the route the client asked for. */
        @GetMapping("/forward")
        ModelAndView forward() {
            return new ModelAndView("forward:/hello");
        }

        @GetMapping("/owners/{ownerId}")
        String owner(@PathVariable("ownerId") long ownerId) {
            return "owner " + ownerId + "\n";
        }

        @GetMapping("/owners/{ownerId}/pets/{petId}")
        String pet(@PathVariable("ownerId") long ownerId, @PathVariable("petId") long petId) {
            return "pet " + petId + " of owner " + ownerId + "\n";
        }

        private static ResponseEntity<byte[]> ok() {
            return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(HELLO);
        }
    }
}
