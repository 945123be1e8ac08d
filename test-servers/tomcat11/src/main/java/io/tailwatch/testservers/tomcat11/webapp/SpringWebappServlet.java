package io.tailwatch.testservers.tomcat11.webapp;

import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.servlet.DispatcherServlet;

/** Spring MVC's front servlet, configured in code ({@link WebappConfig}) as a web.xml-less application does. */
public final class SpringWebappServlet extends DispatcherServlet {
    private static final long serialVersionUID = 1L;

    public SpringWebappServlet() {
        super(context());
    }

    private static AnnotationConfigWebApplicationContext context() {
        AnnotationConfigWebApplicationContext context = new AnnotationConfigWebApplicationContext();
        context.register(WebappConfig.class);
        return context;
    }
}
