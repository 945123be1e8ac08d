package io.tailwatch.agent.instrumentation;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.ArrayList;
import java.util.List;

/**
 * What a module transforms, in the fluent shape of Byte Buddy's {@code AgentBuilder}:
 * {@code type(matcher).transform(transformer).type(...)...}. Every matcher whose class matches
 * applies its transformers, in the order declared. {@link ModuleTransformer} applies them; the
 * agent does without {@code AgentBuilder} itself, whose installation alone (among other things it
 * generates a class with Byte Buddy) cost the application's start some 100 ms.
 */
public final class Transformations {
    final List<ElementMatcher<? super TypeDescription>> matchers = new ArrayList<>();
    final List<AgentBuilder.Transformer> transformers = new ArrayList<>();

    public Matched type(ElementMatcher<? super TypeDescription> matcher) {
        return new Matched(matcher);
    }

    /** A matcher waiting for its transformer. */
    public final class Matched {
        private final ElementMatcher<? super TypeDescription> matcher;

        private Matched(ElementMatcher<? super TypeDescription> matcher) {
            this.matcher = matcher;
        }

        public Transformations transform(AgentBuilder.Transformer transformer) {
            matchers.add(matcher);
            transformers.add(transformer);
            return Transformations.this;
        }
    }
}
