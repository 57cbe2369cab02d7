package io.morgana.mgmt;

import java.util.List;

/**
 * A management command: a name (its key in the {@link CommandRegistry}), a line of help, and what
 * it does with its arguments. An application contributes its own through Dagger:
 *
 * <pre>{@code
 * @Provides @IntoMap @StringKey("flush-cache")
 * static Command flushCache(PageCache cache) {
 *   return Command.of("flush-cache", "drops every cached page", args -> {
 *     if (!args.isEmpty()) return CommandResult.badArguments("flush-cache takes no arguments");
 *     return CommandResult.ok("dropped " + cache.clear() + " pages");
 *   });
 * }
 * }</pre>
 *
 * <p><b>Threads:</b> {@link #run} is called on an application thread (an HTTP connection's or the
 * console reader's virtual thread), never on the kernel loop: it may block, and reaches
 * loop-confined state through {@link io.morgana.runtime.LoopBridge#call}. It answers bad
 * arguments with {@link CommandResult#badArguments}; an exception it throws is caught by the
 * registry and answered as a failure, so it never reaches the transport.
 */
public interface Command {

  /** How to call it, as {@code help} shows it: {@code "log-level LOGGER LEVEL"}. */
  String usage();

  /** What it does, one phrase. */
  String summary();

  /** Runs the command with its (already split) arguments. */
  CommandResult run(List<String> arguments) throws Exception;

  /** What a command does with its arguments. */
  @FunctionalInterface
  interface Action {
    /** See {@link Command#run}. */
    CommandResult run(List<String> arguments) throws Exception;
  }

  /** A command from its usage line, summary and action. */
  static Command of(String usage, String summary, Action action) {
    return new Command() {
      @Override
      public String usage() {
        return usage;
      }

      @Override
      public String summary() {
        return summary;
      }

      @Override
      public CommandResult run(List<String> arguments) throws Exception {
        return action.run(arguments);
      }

      @Override
      public String toString() {
        return "Command[" + usage + "]";
      }
    };
  }
}
