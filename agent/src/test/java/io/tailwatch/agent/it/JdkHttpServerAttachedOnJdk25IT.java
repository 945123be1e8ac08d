package io.tailwatch.agent.it;

/** {@link JdkHttpServerAttachedIT} on JDK 25, where an agent loaded at run time makes the JVM print a warning. */
class JdkHttpServerAttachedOnJdk25IT extends JdkHttpServerAttachedIT {
    @Override
    protected String jdkProperty() {
        return "tailwatch.test.jdk25";
    }
}
