package io.tailwatch.testservers.tomcat11;

import io.tailwatch.testsupport.AbstractAttachedServerIT;
import io.tailwatch.testsupport.AbstractTomcatServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Embedded Tomcat 11 on JDK 17, started without the agent and attached to once it has served:
 * measured from a note of its coyote requests, with the clock from the read of the request line.
 */
class Tomcat11AttachedIT extends AbstractAttachedServerIT {
    @Override
    protected ForkedService startWithoutAgent(Path jdk) throws IOException {
        return ForkedService.withoutAgent(jdk, List.of(), Tomcat11Service.class.getName(), "0", "4");
    }

    @Override
    protected String instrumentationName() {
        return "tomcat";
    }

    /** The container turns the exception into its 500 error page. */
    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }

    @Override
    protected boolean closesConnectionAfter(int status) {
        return AbstractTomcatServerIT.tomcatClosesConnectionAfter(status);
    }
}
