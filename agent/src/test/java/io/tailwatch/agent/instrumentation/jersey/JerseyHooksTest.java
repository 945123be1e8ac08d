package io.tailwatch.agent.instrumentation.jersey;

import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.recording.CurrentRequest;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.ServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The Jersey hooks' route building, with stand-ins for Jersey's templates. */
class JerseyHooksTest {
    private Recording recording;

    /** Stands in for {@code UriTemplate}: its template and the field the agent adds. */
    private static final class Template implements JerseyTemplate {
        final String template;
        Object route;

        Template(String template) {
            this.template = template;
        }

        @Override
        public String tailwatch$template() {
            return template;
        }

        @Override
        public Object tailwatch$route() {
            return route;
        }

        @Override
        public void tailwatch$route(Object route) {
            this.route = route;
        }
    }

    @BeforeEach
    void install() {
        recording = new Recording(100, 60_000_000_000L, AgentConfig.defaults().bucketsNanos());
        Recording.install(recording);
        JerseyHooks.routerCreated();
    }

    @AfterEach
    void uninstall() {
        Recording.install(null);
    }

    /** Jersey's list: innermost first, as it pushes them. */
    private static List<Object> matched(Template... outermostFirst) {
        LinkedList<Object> list = new LinkedList<>();
        for (Template t : outermostFirst) {
            list.push(t);
        }
        return list;
    }

    /** Routes one request on a published ServerRequest and returns the route it was recorded with. */
    private String route(List<?> templates, String basePath) {
        return routeWith(() -> JerseyHooks.matched(templates, basePath));
    }

    /** As {@link #route}, with {@code match} the hook to run while the request is published. */
    private String routeWith(Runnable match) {
        ServerRequest request = new ServerRequest();
        request.begin(null, 0, "GET", -1);
        ServerRequest previous = CurrentRequest.enter(request);
        match.run();
        CurrentRequest.exit(previous);
        request.status(200);
        request.end(10);
        String route = recording.http().series().all().stream()
                .filter(s -> s.route() != null).map(s -> s.route()).reduce((a, b) -> b).orElse(null);
        recording = new Recording(100, 60_000_000_000L, AgentConfig.defaults().bucketsNanos());
        Recording.install(recording);
        return route;
    }

    @Test
    void theRouteIsTheBasePathAndTheTemplatesOutermostFirstWithOneSlashBetweenEach() {
        Template owners = new Template("/owners");
        Template ownerId = new Template("/{ownerId}");
        assertEquals("/owners/{ownerId}", route(matched(owners, ownerId), "/"));
        assertEquals("/api/owners/{ownerId}", route(matched(owners, ownerId), "/api/"));
        assertEquals("/hello", route(matched(new Template("/"), new Template("/hello")), "/"));
        assertEquals("/", route(matched(new Template("/")), "/"));
        assertEquals("/a/b/{c: [0-9]+}", route(matched(new Template("/a/"), new Template("b/"), new Template("/{c: [0-9]+}")), null));
    }

    @Test
    void aSubResourceReachedThroughTwoLocatorsGetsEachLocatorsRoute() {
        Template owners = new Template("/owners");
        Template vets = new Template("/vets");
        Template pets = new Template("/{id}/pets");
        Template petId = new Template("/{petId}");
        assertEquals("/owners/{id}/pets/{petId}", route(matched(owners, pets, petId), "/"));
        assertEquals("/vets/{id}/pets/{petId}", route(matched(vets, pets, petId), "/"));
        assertEquals("/owners/{id}/pets/{petId}", route(matched(owners, pets, petId), "/"));
    }

    @Test
    void theRouteIsComputedOncePerChainOfTemplates() {
        Template owners = new Template("/owners");
        Template ownerId = new Template("/{ownerId}");
        route(matched(owners, ownerId), "/");
        Object first = ownerId.route;
        route(matched(owners, ownerId), "/");
        assertSame(first, ownerId.route, "the same chain reuses its route");
        route(matched(owners, ownerId), "/other/");
        assertNotSame(first, ownerId.route, "another base path is another route");
        assertNull(owners.route, "kept on the innermost template only");
    }

    @Test
    void nothingMatchedOrUnknownTemplatesNameNoRoute() {
        assertNull(route(new LinkedList<>(), "/"));
        assertNull(route(List.of("not a template"), "/"));
    }

    /** Stands in for Jersey's own {@code UriTemplate} where the agent could not add members to it. */
    public static final class LoadedTemplate {
        private final String template;

        LoadedTemplate(String template) {
            this.template = template;
        }

        public String getTemplate() {
            return template;
        }
    }

    private String routeLoaded(List<?> templates, String basePath) {
        return routeWith(() -> JerseyHooks.matchedLoaded(templates, basePath));
    }

    private static List<Object> matchedLoaded(Object... outermostFirst) {
        LinkedList<Object> list = new LinkedList<>();
        for (Object t : outermostFirst) {
            list.push(t);
        }
        return list;
    }

    @Test
    void withoutAddedMembersTheRoutesAreTheSameAndEachChainsRouteIsBuiltOnce() throws Exception {
        LoadedTemplate owners = new LoadedTemplate("/owners");
        LoadedTemplate vets = new LoadedTemplate("/vets");
        LoadedTemplate pets = new LoadedTemplate("/{id}/pets");
        LoadedTemplate petId = new LoadedTemplate("/{petId}");
        assertEquals("/owners/{id}/pets/{petId}", routeLoaded(matchedLoaded(owners, pets, petId), "/"));
        assertEquals("/api/vets/{id}/pets/{petId}", routeLoaded(matchedLoaded(vets, pets, petId), "/api/"));
        assertEquals("/owners/{id}/pets/{petId}", routeLoaded(matchedLoaded(owners, pets, petId), "/"));
        assertEquals("/owners", routeLoaded(matchedLoaded(owners), null));

        LoadedRoutes routes = new LoadedRoutes();
        JerseyRoute first = routes.route(matchedLoaded(owners, pets), "/");
        assertSame(first, routes.route(matchedLoaded(owners, pets), "/"), "a chain in its slot is not built again");
        assertNotSame(first, routes.route(matchedLoaded(vets, pets), "/"), "another chain is another route");
    }

    @Test
    void withoutAddedMembersTemplatesWithoutTextNameNoRoute() {
        assertNull(routeLoaded(new LinkedList<>(), "/"));
        assertNull(routeLoaded(List.of(new Object()), "/"));
        assertEquals(0, recording.http().series().all().size());
    }
}
