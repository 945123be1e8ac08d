package io.tailwatch.agent.it;

import io.tailwatch.testsupport.AbstractCardinalityIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The cardinality attack on the JDK's HTTP server, JDK 17: random methods, random paths and query
 * strings, and any status from 100 to 599 ({@code JdkAnyStatusService} answers the one asked for),
 * against {@code max.series=50}. A fifth of the requests go to a path no context serves, which the
 * JDK server answers 404 itself and then closes the connection (the agent reads their method from
 * the request line).
 */
class JdkHttpServerCardinalityIT extends AbstractCardinalityIT {
    /** The JDK home property the service runs on. */
    protected String jdkProperty() {
        return "tailwatch.test.jdk17";
    }

    @Override
    protected Path jdk() {
        return ForkedService.jdk(jdkProperty());
    }

    @Override
    protected ForkedService startService(String agentArgs) throws IOException {
        return ForkedService.start(jdk(), List.of(), agentArgs, List.of(), "io.tailwatch.testservices.JdkAnyStatusService", "0", "4");
    }

    @Override
    protected int maxSeries() {
        return 50;
    }

    @Override
    protected Attack randomRequest(Random random) {
        String method = randomMethod(random);
        if (random.nextInt(5) == 0) {
            return new Attack(method, "/" + token(random) + "/" + token(random) + "?" + token(random) + "=" + token(random), 404);
        }
        int status = 100 + random.nextInt(500);
        return new Attack(method, "/status/" + token(random) + "?code=" + status + "&" + token(random) + "=" + token(random), status);
    }
}
