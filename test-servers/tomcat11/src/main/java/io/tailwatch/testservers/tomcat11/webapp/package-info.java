/**
 * A web application that {@code Tomcat11RedeployService} deploys, undeploys and deploys again: its
 * classes are copied into the application's {@code WEB-INF/classes} and loaded by the
 * application's own class loader, never by the service's. A plain servlet ({@link
 * io.tailwatch.testservers.tomcat11.webapp.WebappServlet}) and Spring MVC, from the application's
 * {@code WEB-INF/lib} ({@link io.tailwatch.testservers.tomcat11.webapp.SpringWebappServlet}), so
 * that the agent transforms classes of the application's loader too.
 */
package io.tailwatch.testservers.tomcat11.webapp;
