package io.tailwatch.agent.it;

import io.tailwatch.testsupport.ForkedService;

import java.nio.file.Path;

/** The nastiest agent settings on the real agent jar, on JDK 25. */
class BadAgentConfigOnJdk25IT extends AbstractBadAgentConfigIT {
    @Override
    protected Path jdk() {
        return ForkedService.jdk("tailwatch.test.jdk25");
    }
}
