package io.tailwatch.agent.it;

import io.tailwatch.testsupport.ForkedService;

import java.nio.file.Path;

/** The endpoint's authentication, TLS and limits, on JDK 17. */
class MetricsEndpointSecurityOnJdk17IT extends AbstractMetricsEndpointSecurityIT {
    @Override
    protected Path jdk() {
        return ForkedService.jdk("tailwatch.test.jdk17");
    }
}
