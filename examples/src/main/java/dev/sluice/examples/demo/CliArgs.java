package dev.sluice.examples.demo;

/** Reads a command line's option values, failing with the option's name and what it expects. */
public final class CliArgs {

  private CliArgs() {}

  /** The value after option {@code args[i]}. */
  public static String value(String[] args, int i) {
    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
      throw new IllegalArgumentException("option " + args[i] + " needs a value; try --help");
    }
    return args[i + 1];
  }

  /** The whole number after option {@code args[i]}, from {@code min} to {@code max}. */
  public static long number(String[] args, int i, long min, long max) {
    String v = value(args, i);
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option " + args[i] + " takes a whole number, got '" + v + "'");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("option " + args[i] + " takes a number from " + min + " to " + max + ", got " + n);
    }
    return n;
  }
}
