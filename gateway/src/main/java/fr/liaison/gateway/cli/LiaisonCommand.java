package fr.liaison.gateway.cli;

import fr.liaison.schemas.error.LiaisonException;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code liaison} command line: one entry point for the node and the tools around it. Tools
 * run without starting Spring, so they answer in well under a second.
 */
@Command(name = "liaison", mixinStandardHelpOptions = true, version = "Liaison 0.1.0",
        description = "Gateway node for consent-gated exchanges between France Travail, departmental councils and CCAS.",
        subcommands = {DemoCommand.class, NodeCommand.class, DirectoryCommand.class, EnvelopeDemoCommand.class, SealCommand.class, OpenCommand.class, ValidateCommand.class,
                AuditVerifyCommand.class,
                CommandLine.HelpCommand.class})
public final class LiaisonCommand implements Runnable {

    /** Exit status when input is refused (invalid message, envelope that does not open). */
    static final int REFUSED = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CommandLine commandLine = commandLine();
        int status = commandLine.execute(args);
        CommandLine.ParseResult parsed = commandLine.getParseResult();
        boolean nodeRunning = status == 0 && parsed != null && parsed.hasSubcommand()
                && "node".equals(parsed.subcommand().commandSpec().name());
        if (!nodeRunning) {
            System.exit(status); // a node keeps running on its server threads until stopped
        }
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new LiaisonCommand());
        commandLine.setExecutionExceptionHandler(LiaisonCommand::report);
        return commandLine;
    }

    /** A catalogued error is the expected way to fail: its code and explanation, no stack trace. */
    private static int report(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        if (e instanceof LiaisonException refused) {
            err.println(refused.code().code() + " " + refused.code().message());
            refused.details().forEach(detail -> err.println("  " + detail));
            err.flush();
            return REFUSED;
        }
        err.println("liaison: " + e);
        err.flush();
        return CommandLine.ExitCode.SOFTWARE;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
