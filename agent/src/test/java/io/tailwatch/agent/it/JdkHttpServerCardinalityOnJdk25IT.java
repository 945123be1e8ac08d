package io.tailwatch.agent.it;

/** {@link JdkHttpServerCardinalityIT} on JDK 25. */
class JdkHttpServerCardinalityOnJdk25IT extends JdkHttpServerCardinalityIT {
    @Override
    protected String jdkProperty() {
        return "tailwatch.test.jdk25";
    }
}
