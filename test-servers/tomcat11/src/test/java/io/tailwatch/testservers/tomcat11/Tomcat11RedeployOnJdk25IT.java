package io.tailwatch.testservers.tomcat11;

/** {@link Tomcat11RedeployIT} on JDK 25, where threads no longer carry an access control context. */
class Tomcat11RedeployOnJdk25IT extends Tomcat11RedeployIT {
    @Override
    protected String jdk() {
        return "tailwatch.test.jdk25";
    }
}
