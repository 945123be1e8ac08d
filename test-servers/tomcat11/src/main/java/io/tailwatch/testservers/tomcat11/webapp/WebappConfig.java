package io.tailwatch.testservers.tomcat11.webapp;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/** The application's Spring configuration: Spring MVC and one controller. */
@Configuration
@EnableWebMvc
public class WebappConfig {
    @Bean
    public ItemController itemController() {
        return new ItemController();
    }
}
