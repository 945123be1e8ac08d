package io.tailwatch.collector.cli;

import io.tailwatch.collector.scrape.AgentAccess;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How to reach agents whose endpoint is secured: shared by the live table, {@code table} and {@code bench}. */
final class AgentAccessOptions {

    @Option(names = "--agent-user", paramLabel = "USER",
            description = "User for the agents' HTTP basic authentication (their auth.user), with --agent-password-file.")
    String user;

    @Option(names = "--agent-password-file", paramLabel = "FILE", description = "File holding that user's password.")
    Path passwordFile;

    @Option(names = "--agent-token-file", paramLabel = "FILE",
            description = "File holding the bearer token the agents accept (their auth.token), instead of a user.")
    Path tokenFile;

    @Option(names = "--agent-ca", paramLabel = "FILE",
            description = "PEM certificate(s) to trust for agents that speak HTTPS (their tls.keystore): the agent's own"
                    + " self-signed certificate or its CA's. The JDK's trusted CAs are used otherwise.")
    Path caFile;

    AgentAccess access() {
        return AgentAccess.of(user, passwordFile, tokenFile, caFile);
    }
}
