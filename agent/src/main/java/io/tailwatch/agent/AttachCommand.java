package io.tailwatch.agent;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.Properties;

/**
 * {@code java -jar tailwatch-agent.jar attach <pid> [agent arguments]}: loads this jar as an agent
 * into a running JVM ({@code Agent-Class}), then prints what the agent said there, which otherwise
 * goes only to that JVM's standard error. Without a pid it lists the JVMs it can see.
 *
 * <p>Exit status: 0 when the agent started (whatever it could or could not instrument), 1 when it
 * could not be loaded or did not start, 2 for a usage error. Every failure is one line.
 */
public final class AttachCommand {
    /** Leads the agent arguments the command passes: {@code attach-id=ID,} then the user's. */
    static final String ID_ARGUMENT = "attach-id=";
    /** The agent leaves what it printed in the system property of this name plus the id. */
    static final String REPORT_PROPERTY_PREFIX = "tailwatch.attach.";
    private static final long REPORT_WAIT_MILLIS = 30_000;

    private AttachCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !args[0].equals("attach") || args.length > 3) {
            err.println("usage: java -jar tailwatch-agent.jar attach [<pid> [agent arguments, such as port=9464,host=127.0.0.1]]");
            return 2;
        }
        try {
            if (args.length == 1) {
                out.println("JVMs this user can attach to (pid, main class):");
                String self = Long.toString(ProcessHandle.current().pid());
                for (VirtualMachineDescriptor vm : VirtualMachine.list()) {
                    if (!vm.id().equals(self)) {
                        out.println(vm.id() + " " + vm.displayName());
                    }
                }
                return 0;
            }
            return attach(args[1], args.length == 3 ? args[2] : "", out, err);
        } catch (LinkageError e) {
            err.println("tailwatch: this Java has no attach API (module jdk.attach); run the command with a full JDK's java");
            return 1;
        }
    }

    private static int attach(String pid, String agentArgs, PrintStream out, PrintStream err) {
        if (!pid.matches("[0-9]+")) {
            err.println("tailwatch: not a process id: " + pid);
            return 2;
        }
        String id = Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
        String jar;
        try {
            jar = new File(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        } catch (Exception e) {
            err.println("tailwatch: cannot tell where the agent jar is: " + e);
            return 1;
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(pid);
        } catch (AttachNotSupportedException | IOException | RuntimeException e) {
            err.println("tailwatch: cannot attach to JVM " + pid + " (no such JVM of this user, or it refuses the attach"
                    + " mechanism): " + oneLine(e));
            return 1;
        }
        try {
            try {
                vm.loadAgent(jar, ID_ARGUMENT + id + (agentArgs.isEmpty() ? "" : "," + agentArgs));
            } catch (AgentLoadException | AgentInitializationException e) {
                err.println("tailwatch: JVM " + pid + " did not load the agent: " + oneLine(e) + refusalHint(e));
                return 1;
            }
            String report = awaitReport(vm, REPORT_PROPERTY_PREFIX + id);
            if (report == null) {
                err.println("tailwatch: the agent was loaded into JVM " + pid + " but said nothing within "
                        + REPORT_WAIT_MILLIS / 1000 + " s; look at that JVM's standard error");
                return 1;
            }
            out.println("tailwatch: attached to JVM " + pid + "; the agent said there:");
            for (String line : report.split("\n")) {
                out.println("  " + line);
            }
            return report.contains(" active on Java ") || report.contains("already active in this JVM") ? 0 : 1;
        } catch (IOException | RuntimeException e) {
            err.println("tailwatch: lost JVM " + pid + " while attaching: " + oneLine(e));
            return 1;
        } finally {
            try {
                vm.detach();
            } catch (IOException ignored) {
                // The agent is loaded; a failed detach only leaves the attach connection to close with this JVM.
            }
        }
    }

    /** JDK 21 and later refuse agents loaded at run time when the JVM was started with -XX:-EnableDynamicAgentLoading. */
    private static String refusalHint(Exception e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("EnableDynamicAgentLoading") || message.contains("not enabled")
                ? "; that JVM refuses agents loaded at run time: start it with -javaagent:<this jar> instead"
                : "";
    }

    private static String awaitReport(VirtualMachine vm, String property) throws IOException {
        long deadline = System.nanoTime() + REPORT_WAIT_MILLIS * 1_000_000;
        while (true) {
            Properties properties = vm.getSystemProperties();
            String report = properties.getProperty(property);
            if (report != null || System.nanoTime() > deadline) {
                return report;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    private static String oneLine(Throwable t) {
        String text = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
