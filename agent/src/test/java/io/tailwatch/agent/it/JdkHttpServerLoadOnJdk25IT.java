package io.tailwatch.agent.it;

/** {@link JdkHttpServerLoadIT} on JDK 25. */
class JdkHttpServerLoadOnJdk25IT extends JdkHttpServerLoadIT {
    @Override
    protected String jdkProperty() {
        return "tailwatch.test.jdk25";
    }
}
