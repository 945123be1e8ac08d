package io.tailwatch.testservers.jersey;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/**
 * JAX-RS resources on Jersey 3.1, in Jersey's servlet container mapped to {@code /*} on embedded
 * Tomcat 11. Usage: {@code JerseyService PORT WORKERS} (WORKERS is Tomcat's connector pool); prints
 * {@code LISTENING <port>} when ready. It answers the paths of every test service, each a resource
 * method of {@link Paths}, and templated ones: {@code /owners/{ownerId}} (class and method
 * {@code @Path}) and {@code /owners/{ownerId}/pets/{petId}} (through a sub-resource locator).
 * Any other path is Jersey's 404. Tomcat and Jersey log through java.util.logging, sent to
 * standard output.
 */
public final class JerseyService {
    static final byte[] HELLO = "hello, world\n".getBytes(StandardCharsets.UTF_8);

    /** Resumes the /async responses 5 ms after their resource method returned. */
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "async-completer");
        t.setDaemon(true);
        return t;
    });

    private JerseyService() {
    }

    public static void main(String[] args) throws Exception {
        logToStandardOutput();
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("jersey-service").toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxThreads", Integer.toString(workers));
        connector.setProperty("minSpareThreads", Integer.toString(workers));
        tomcat.setConnector(connector);

        Context context = tomcat.addContext("", null);
        ResourceConfig application = new ResourceConfig(Paths.class, Owners.class);
        Wrapper jersey = Tomcat.addServlet(context, "jersey", new ServletContainer(application));
        jersey.setAsyncSupported(true);
        jersey.setLoadOnStartup(1);
        context.addServletMappingDecoded("/*", "jersey");
        tomcat.start();
        System.out.println("LISTENING " + connector.getLocalPort());
        System.out.flush();
        tomcat.getServer().await();
    }

    /** Tomcat and Jersey log through java.util.logging, whose console handler writes to standard error. */
    private static void logToStandardOutput() {
        LogManager.getLogManager().reset();
        Handler out = new StreamHandler(System.out, new SimpleFormatter()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        Logger.getLogger("").addHandler(out);
    }

    /** The paths every test service answers. */
    @Path("/")
    public static final class Paths {
        @GET
        @Path("hello")
        @Produces("text/plain")
        public byte[] hello() {
            return HELLO;
        }

        @GET
        @Path("error")
        public Response error() {
            return Response.status(500).type("text/plain").entity("failed\n".getBytes(StandardCharsets.UTF_8)).build();
        }

        @GET
        @Path("throw")
        public String fail() {
            throw new IllegalStateException("resource method failed on purpose");
        }

        @GET
        @Path("nobody")
        public void nobody() {
        }

        @GET
        @Path("chunked")
        @Produces("text/plain")
        public StreamingOutput chunked() {
            return out -> {
                for (int i = 0; i < 3; i++) {
                    out.write(HELLO);
                    out.flush();
                }
            };
        }

        @GET
        @Path("async")
        @Produces("text/plain")
        public void async(@Suspended AsyncResponse response) {
            LATER.schedule(() -> response.resume(HELLO), 5, TimeUnit.MILLISECONDS);
        }

        @GET
        @Path("sleep")
        @Produces("text/plain")
        public byte[] sleep(@QueryParam("ms") @DefaultValue("5") long millis) throws InterruptedException {
            Thread.sleep(millis);
            return HELLO;
        }

        @POST
        @Path("echo")
        @Produces("application/octet-stream")
        public byte[] echo(byte[] body) {
            return body;
        }
    }

    /** A class {@code @Path} with a templated method {@code @Path}, and a sub-resource locator. */
    @Path("/owners")
    public static final class Owners {
        @GET
        @Path("{ownerId}")
        @Produces("text/plain")
        public String owner(@PathParam("ownerId") String ownerId) {
            return "owner " + ownerId + "\n";
        }

        @Path("{ownerId}/pets")
        public Pets pets(@PathParam("ownerId") String ownerId) {
            return new Pets(ownerId);
        }
    }

    /** A sub-resource, reached only through {@link Owners#pets}. */
    public static final class Pets {
        private final String ownerId;

        Pets(String ownerId) {
            this.ownerId = ownerId;
        }

        @GET
        @Path("{petId}")
        @Produces("text/plain")
        public String pet(@PathParam("petId") String petId) {
            return "pet " + petId + " of owner " + ownerId + "\n";
        }
    }
}
