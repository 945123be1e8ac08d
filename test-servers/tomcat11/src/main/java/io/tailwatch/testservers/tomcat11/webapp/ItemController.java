package io.tailwatch.testservers.tomcat11.webapp;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** One route with a template, {@code /items/{id}}, which the agent's Spring MVC instrumentation names. */
@RestController
public class ItemController {
    @GetMapping("/items/{id}")
    public String item(@PathVariable("id") String id) {
        return "item " + id + "\n";
    }
}
