package io.tailwatch.testservers.springwebflux;

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
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A Spring Boot 3 WebFlux application on Reactor Netty, configured as Spring Boot's defaults leave
 * it (its error handling included), with the paths of the abstract server test as an annotated
 * controller, and templated routes: {@code /owners/{ownerId}} and
 * {@code /owners/{ownerId}/pets/{petId}} in the controller, {@code /vets/{vetId}} as a router
 * function. {@code /sleep} blocks on a bounded elastic scheduler of WORKERS threads, as WebFlux
 * applications are told to run blocking code; {@code /async} completes 5 ms later on Reactor's
 * parallel scheduler; {@code /throw} throws, and Spring Boot's error handler answers 500.
 *
 * <p>Usage: {@code SpringWebfluxService PORT WORKERS} (port 0 picks a free port). Prints
 * {@code LISTENING <port>} once Reactor Netty listens. Spring Boot logs to standard output (its
 * console appender); the banner is off.
 */
@SpringBootApplication
public class SpringWebfluxService {
    static final String HELLO = "hello, world\n";
    private static Scheduler sleepers;

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        sleepers = Schedulers.newBoundedElastic(workers, Integer.MAX_VALUE, "sleep");
        SpringApplication application = new SpringApplication(SpringWebfluxService.class);
        application.setBannerMode(Banner.Mode.OFF);
        Map<String, Object> properties = new HashMap<>();
        properties.put("server.port", port);
        properties.put("server.address", "127.0.0.1");
        application.setDefaultProperties(properties);
        application.addListeners(new Listening());
        application.run();
    }

    /** Prints the port once Reactor Netty listens. */
    static final class Listening implements ApplicationListener<WebServerInitializedEvent> {
        @Override
        public void onApplicationEvent(WebServerInitializedEvent event) {
            System.out.println("LISTENING " + event.getWebServer().getPort());
            System.out.flush();
        }
    }

    @Bean
    RouterFunction<ServerResponse> vets() {
        return RouterFunctions.route()
                .GET("/vets/{vetId}", request -> ServerResponse.ok().contentType(MediaType.TEXT_PLAIN)
                        .bodyValue("vet " + request.pathVariable("vetId") + "\n"))
                .build();
    }

    /** The paths every test service answers; see AbstractHttpServerIT. */
    @RestController
    static class Paths {
        @GetMapping(value = "/hello", produces = MediaType.TEXT_PLAIN_VALUE)
        Mono<String> hello() {
            return Mono.just(HELLO);
        }

        @GetMapping(value = "/error", produces = MediaType.TEXT_PLAIN_VALUE)
        ResponseEntity<String> error() {
            return ResponseEntity.internalServerError().body("failed\n");
        }

        @GetMapping("/throw")
        String fail() {
            throw new IllegalStateException("handler failed on purpose");
        }

        @GetMapping("/nobody")
        ResponseEntity<Void> nobody() {
            return ResponseEntity.noContent().build();
        }

        @GetMapping(value = "/chunked", produces = MediaType.TEXT_PLAIN_VALUE)
        Flux<String> chunked() {
            return Flux.just(HELLO, HELLO, HELLO);
        }

        @GetMapping(value = "/async", produces = MediaType.TEXT_PLAIN_VALUE)
        Mono<String> async() {
            return Mono.just(HELLO).delayElement(Duration.ofMillis(5));
        }

        @GetMapping(value = "/sleep", produces = MediaType.TEXT_PLAIN_VALUE)
        Mono<String> sleep(@RequestParam(name = "ms", defaultValue = "5") long ms) {
            return Mono.fromCallable(() -> {
                Thread.sleep(ms);
                return HELLO;
            }).subscribeOn(sleepers);
        }

        @PostMapping(value = "/echo", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
        byte[] echo(@RequestBody byte[] body) {
            return body;
        }

        @GetMapping(value = "/owners/{ownerId}", produces = MediaType.TEXT_PLAIN_VALUE)
        String owner(@PathVariable("ownerId") String ownerId) {
            return "owner " + ownerId + "\n";
        }

        @GetMapping(value = "/owners/{ownerId}/pets/{petId}", produces = MediaType.TEXT_PLAIN_VALUE)
        String pet(@PathVariable("ownerId") String ownerId, @PathVariable("petId") String petId) {
            return "pet " + petId + " of owner " + ownerId + "\n";
        }
    }
}
