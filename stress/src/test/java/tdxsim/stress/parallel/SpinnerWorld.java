package tdxsim.stress.parallel;

import java.util.List;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tdxsim.stress.runtime.UncheckedWorld;

/**
 * A test world of actors that keep themselves busy (spinners: each sends itself a message at every run), named
 * {@code names}, children of an actor named {@code parent} (a TD of a host, as {@code td-0}) or, when it is null, of
 * the root (a world that is one TD).
 */
abstract class SpinnerWorld extends UncheckedWorld {
  final String parent;
  final List<String> names;

  SpinnerWorld(String parent, List<String> names) {
    assert names != null && !names.isEmpty() : "a spinner world without spinners";
    this.parent = parent;
    this.names = names;
  }

  private record Spin() {}

  /** A run of the spinner {@code name}, on the thread that runs it; whether it spins on. */
  abstract boolean spun(String name);

  private Behavior<Spin> spinner() {
    return Behaviors.setup(ctx -> {
      ctx.getSelf().tell(new Spin());
      String name = ctx.getSelf().path().name();
      return Behaviors.receiveMessage(s -> {
        if (spun(name)) ctx.getSelf().tell(new Spin());
        return Behaviors.same();
      });
    });
  }

  private Behavior<Void> spawning() {
    return Behaviors.setup(ctx -> {
      for (String n : names) ctx.spawn(spinner(), n);
      return Behaviors.empty();
    });
  }

  @Override
  public Behavior<?> root() {
    if (parent == null) return spawning();
    return Behaviors.setup(ctx -> {
      ctx.spawn(spawning(), parent);
      return Behaviors.empty();
    });
  }
}
