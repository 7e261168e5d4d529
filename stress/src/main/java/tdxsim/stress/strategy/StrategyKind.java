package tdxsim.stress.strategy;

import java.util.Locale;

/** The exploration strategies by CLI name ({@code --strategy random|pct|pos|pctcp|conflict}). */
public enum StrategyKind {
  RANDOM,
  PCT,
  POS,
  /** PCT per causal chain, change points at racing steps, delayed chain starts ({@link PctcpStrategy}). */
  PCTCP,
  /** PCTCP with held VMM messages released right after a conflicting step, change points at conflicting races. */
  CONFLICT;

  /** A fresh strategy (PCT with {@link PctStrategy#DEFAULT_DEPTH}). */
  public Strategy create() {
    return create(PctStrategy.DEFAULT_DEPTH);
  }

  /** A fresh strategy; {@code pctDepth} is PCT's bug depth d and ignored by the others. */
  public Strategy create(int pctDepth) {
    assert pctDepth >= 1 : "PCT depth " + pctDepth;
    return switch (this) {
      case RANDOM -> new RandomWalkStrategy();
      case PCT -> new PctStrategy(pctDepth);
      case POS -> new PosStrategy();
      case PCTCP -> new PctcpStrategy(pctDepth);
      case CONFLICT -> new ConflictStrategy(pctDepth);
    };
  }

  public String cliName() {
    assert name().equals(name().toUpperCase(Locale.ROOT)) : "strategy " + name();
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a CLI name; the message lists the valid ones. */
  public static StrategyKind parse(String name) {
    assert name != null : "parse(null)";
    for (StrategyKind k : values()) {
      if (k.cliName().equals(name.toLowerCase(Locale.ROOT))) return k;
    }
    throw new IllegalArgumentException("unknown strategy '" + name + "' (expected random, pct, pos, pctcp or conflict)");
  }
}
