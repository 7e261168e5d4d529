package tdxsim.stress.cli;

import picocli.CommandLine;

/** {@code --seed}: decimal ({@code 16}, {@code -3}) or hex as the summaries print seeds ({@code 0x10}), 64 bits. */
public final class SeedConverter implements CommandLine.ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    String v = value.trim();
    try {
      if (v.startsWith("0x") || v.startsWith("0X")) return Long.parseUnsignedLong(v.substring(2), 16);
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a seed (a 64-bit integer: 16, or hex as printed: 0x10)");
    }
  }
}
