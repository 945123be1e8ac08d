package io.tailwatch.testservers.tomcat11;

import com.sun.management.HotSpotDiagnosticMXBean;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.lang.runtime.ObjectMethods;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/**
 * Embedded Tomcat 11 that deploys a web application with a class loader of its own, and undeploys
 * it, on request: whether anything (the agent above all) keeps the application's class loader
 * reachable once it is gone. Usage: {@code Tomcat11RedeployService PORT WORKERS}, with
 * {@code -Dwebapp.lib=DIR} the jars of the application's {@code WEB-INF/lib} (Spring MVC). Prints
 * {@code LISTENING <port>} when ready; Tomcat's logging, its leak warnings among it, goes to
 * standard output.
 *
 * <p>The application ({@code /app}): its classes, package {@code webapp} of this module, are copied
 * into {@code WEB-INF/classes} of a directory of its own, from which the application's loader
 * loads them (a web application's loader looks in its own classes before its parent's), and the
 * service never loads them itself. {@code /app/hello} is a plain servlet, {@code /app/spring/items/{id}}
 * Spring MVC.
 *
 * <p>The service's own paths: {@code POST /admin/deploy}, {@code POST /admin/undeploy} (removes
 * the application, keeping only a weak reference to its loader), and
 * {@code GET /admin/collected?ms=N}, which collects garbage until that loader is gone, for at most N
 * ms: {@code COLLECTED after <n> collections}, or {@code PINNED <heap dump>} with the threads whose
 * context loader it still is; and {@code GET /admin/thread-gone?name=T&ms=N}, {@code GONE} once no
 * thread of that name is alive.
 */
public final class Tomcat11RedeployService {
    private static final String[] WEBAPP_CLASSES = {"WebappServlet", "SpringWebappServlet", "WebappConfig", "ItemController"};
    private static final String WEBAPP_PACKAGE = "io.tailwatch.testservers.tomcat11.webapp.";

    private static Host host;
    private static Path docBase;
    private static volatile WeakReference<ClassLoader> undeployed = new WeakReference<>(null);

    private Tomcat11RedeployService() {
    }

    public static void main(String[] args) throws Exception {
        logToStandardOutput();
        int port = Integer.parseInt(args[0]);
        int workers = Integer.parseInt(args[1]);
        docBase = webapp(Path.of(System.getProperty("webapp.lib")));
        // The application's copy holds some 10 MB of jars: gone with the service.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(docBase)));

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat11-redeploy").toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxThreads", Integer.toString(workers));
        connector.setProperty("minSpareThreads", Integer.toString(workers));
        tomcat.setConnector(connector);
        host = tomcat.getHost();

        Context admin = tomcat.addContext("/admin", null);
        Tomcat.addServlet(admin, "admin", new AdminServlet());
        admin.addServletMappingDecoded("/*", "admin");
        tomcat.start();
        System.out.println("LISTENING " + connector.getLocalPort());
        System.out.flush();
        tomcat.getServer().await();
    }

    /** The application's directory: its classes copied from this service's class path, its libraries. */
    private static Path webapp(Path lib) throws IOException {
        Path dir = Files.createTempDirectory("tomcat11-webapp");
        Path classes = dir.resolve("WEB-INF/classes/" + WEBAPP_PACKAGE.replace('.', '/'));
        Files.createDirectories(classes);
        for (String name : WEBAPP_CLASSES) {
            try (InputStream in = Tomcat11RedeployService.class.getResourceAsStream("webapp/" + name + ".class")) {
                Files.copy(in, classes.resolve(name + ".class"));
            }
        }
        Path libs = Files.createDirectories(dir.resolve("WEB-INF/lib"));
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(lib, "*.jar")) {
            for (Path jar : jars) {
                Files.copy(jar, libs.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    private static void delete(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // Left in the temporary directory.
        }
    }

    private static synchronized String deploy() {
        if (host.findChild("/app") != null) {
            return "ALREADY DEPLOYED";
        }
        StandardContext context = new StandardContext();
        context.setName("/app");
        context.setPath("/app");
        context.setDocBase(docBase.toString());
        context.setParentClassLoader(Tomcat11RedeployService.class.getClassLoader());
        context.addLifecycleListener(new Tomcat.FixContextListener());
        context.addLifecycleListener(event -> {
            if (Lifecycle.CONFIGURE_START_EVENT.equals(event.getType())) {
                Context started = (Context) event.getLifecycle();
                // By class name: the application's loader loads the servlets, from WEB-INF.
                Tomcat.addServlet(started, "hello", WEBAPP_PACKAGE + "WebappServlet");
                started.addServletMappingDecoded("/hello", "hello");
                Tomcat.addServlet(started, "spring", WEBAPP_PACKAGE + "SpringWebappServlet").setLoadOnStartup(1);
                started.addServletMappingDecoded("/spring/*", "spring");
            }
        });
        host.addChild(context);
        ClassLoader loader = context.getLoader().getClassLoader();
        return "DEPLOYED " + loader.getClass().getName() + "@" + System.identityHashCode(loader);
    }

    private static synchronized String undeploy() {
        Container context = host.findChild("/app");
        if (context == null) {
            return "NOT DEPLOYED";
        }
        undeployed = new WeakReference<>(((Context) context).getLoader().getClassLoader());
        host.removeChild(context);
        releaseTheLastRecordType();
        return "UNDEPLOYED";
    }

    /** A record of the service's own, for {@link #releaseTheLastRecordType}. */
    private record Released(int value) {
    }

    /**
     * JDK 17's {@code ObjectMethods} keeps the type of the last record whose {@code equals} it made
     * in the one-entry {@code asType} cache of a static method handle: Spring's CGLIB keys are
     * records of the application, so the application's loader stays reachable from there, with or
     * without an agent (later JDKs keep that entry softly when the type is another loader's). Having
     * it make one for a record of the service's replaces the entry, as the application's next
     * deployment would.
     */
    private static void releaseTheLastRecordType() {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            ObjectMethods.bootstrap(lookup, "equals", MethodType.methodType(boolean.class, Released.class, Object.class),
                    Released.class, "value", lookup.findGetter(Released.class, "value", int.class));
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Collects until the undeployed application's loader is gone, for at most {@code millis}. */
    private static String collected(long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        int collections = 0;
        while (undeployed.get() != null && System.nanoTime() < deadline) {
            System.gc();
            collections++;
            Thread.sleep(100);
        }
        ClassLoader pinned = undeployed.get();
        if (pinned == null) {
            return "COLLECTED after " + collections + " collections";
        }
        List<String> threads = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getContextClassLoader() == pinned) {
                threads.add(t.getName());
            }
        }
        pinned = null;
        Path dump = Files.createTempDirectory("tomcat11-redeploy-heap").resolve("pinned.hprof");
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(dump.toString(), true);
        return "PINNED after " + collections + " collections; heap dump " + dump + "; threads whose context loader it is: " + threads;
    }

    /** Waits, for at most {@code millis}, until no thread of this name is alive. */
    private static String threadGone(String name, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            boolean alive = false;
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                alive |= t.getName().equals(name);
            }
            if (!alive) {
                return "GONE";
            }
            Thread.sleep(100);
        }
        return "ALIVE";
    }

    /** The service's own requests, in a context of its own. */
    private static final class AdminServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String answer;
            try {
                switch (request.getPathInfo()) {
                    case "/deploy" -> answer = deploy();
                    case "/undeploy" -> answer = undeploy();
                    case "/collected" -> answer = collected(Long.parseLong(request.getParameter("ms")));
                    case "/thread-gone" -> answer = threadGone(request.getParameter("name"), Long.parseLong(request.getParameter("ms")));
                    default -> {
                        response.sendError(404);
                        return;
                    }
                }
            } catch (Exception e) {
                throw new IOException(e);
            }
            byte[] body = (answer + "\n").getBytes(StandardCharsets.UTF_8);
            response.setContentType("text/plain");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }

    /** Tomcat logs through java.util.logging, whose console handler writes to standard error. */
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
}
