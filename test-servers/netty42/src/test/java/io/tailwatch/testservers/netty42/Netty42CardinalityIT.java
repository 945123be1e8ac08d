package io.tailwatch.testservers.netty42;

import io.tailwatch.testsupport.AbstractCardinalityIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The cardinality attack on Netty 4.2 (NIO, handlers on a four-thread executor group), JDK 17:
 * random methods and query strings on the service's {@code /hello} (200), {@code /error} (500) and
 * {@code /nobody} (204), and random paths it answers 404; against {@code max.series=10}, below the
 * 36 label sets of nine method labels and four statuses.
 */
class Netty42CardinalityIT extends AbstractCardinalityIT {
    private static final String[] PATHS = {"/hello", "/error", "/nobody"};
    private static final int[] STATUSES = {200, 500, 204};

    @Override
    protected Path jdk() {
        return ForkedService.jdk("tailwatch.test.jdk17");
    }

    @Override
    protected ForkedService startService(String agentArgs) throws IOException {
        return ForkedService.start(jdk(), List.of(), agentArgs, List.of(), Netty42Service.class.getName(), "0", "4", "nio");
    }

    @Override
    protected int maxSeries() {
        return 10;
    }

    @Override
    protected Attack randomRequest(Random random) {
        String method = randomMethod(random);
        String query = "?" + token(random) + "=" + token(random);
        int which = random.nextInt(4);
        if (which == 3) {
            return new Attack(method, "/" + token(random) + "/" + token(random) + query, 404);
        }
        return new Attack(method, PATHS[which] + query, STATUSES[which]);
    }
}
