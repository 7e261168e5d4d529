package tdxsim.stress.runtime;

import org.apache.pekko.serialization.JSerializer;

/**
 * What a simulation's actor system leaves out of what the cluster's libraries (on the classpath for
 * {@code explore --cluster}) add to every Pekko system:
 *
 * <ul>
 *   <li>the stream materializer ({@code pekko-stream}'s library extension): it starts an actor and waits for it,
 *       and on the deterministic runtime nobody drives that actor yet, so {@code ActorSystem.create} hung;
 *   <li>distributed data's two serializers, which every system builds at start: the replicator's schedules a cache
 *       clean-up every 5 s on the system's scheduler, a timer that never ends, and in virtual time every schedule
 *       then ran into its time budget. A simulation serializes nothing; these stand-ins take their names and
 *       identifiers and refuse to be used, and nothing is bound to them (else Pekko warns of replaced serializers).
 * </ul>
 */
public final class LocalExtensions {
  /** The lines of a simulation's {@code pekko} configuration block. */
  public static final String CONFIG =
      "  library-extensions = [\"org.apache.pekko.serialization.SerializationExtension$\", "
          + "\"org.apache.pekko.actor.typed.internal.adapter.ActorSystemAdapter$LoadTypedExtensions\"]\n"
          + "  actor.serializers.pekko-data-replication = \"" + NoReplicatorMessages.class.getName() + "\"\n"
          + "  actor.serializers.pekko-replicated-data = \"" + NoReplicatedData.class.getName() + "\"\n"
          + "  actor.serialization-bindings {\n"
          + "    \"org.apache.pekko.cluster.ddata.Replicator$ReplicatorMessage\" = none\n"
          + "    \"org.apache.pekko.cluster.ddata.ReplicatedDataSerialization\" = none\n"
          + "  }\n";

  private LocalExtensions() {}

  /** A serializer a simulation never uses. */
  private abstract static class Unused extends JSerializer {
    @Override
    public boolean includeManifest() {
      return false;
    }

    @Override
    public byte[] toBinary(Object o) {
      throw new UnsupportedOperationException("a simulation's actor system serializes nothing: " + o.getClass());
    }

    @Override
    public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
      throw new UnsupportedOperationException("a simulation's actor system deserializes nothing");
    }
  }

  /** In place of distributed data's {@code ReplicatorMessageSerializer} (its identifier, 12). */
  public static final class NoReplicatorMessages extends Unused {
    @Override
    public int identifier() {
      return 12;
    }
  }

  /** In place of distributed data's {@code ReplicatedDataSerializer} (its identifier, 11). */
  public static final class NoReplicatedData extends Unused {
    @Override
    public int identifier() {
      return 11;
    }
  }
}
