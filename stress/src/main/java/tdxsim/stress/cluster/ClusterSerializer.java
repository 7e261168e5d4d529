package tdxsim.stress.cluster;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.NotSerializableException;
import java.util.Map;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * {@link ClusterMessage}s as JSON (records of strings and numbers; actor references in Pekko's serialization
 * format). Only these records are read: a manifest that is not one of them is refused, nothing is instantiated by
 * a name that came over the network.
 */
public final class ClusterSerializer extends SerializerWithStringManifest {
  private static final Map<String, Class<? extends ClusterMessage>> TYPES = Map.of(
      "Register", ClusterMessage.Register.class,
      "Want", ClusterMessage.Want.class,
      "Done", ClusterMessage.Done.class,
      "Failed", ClusterMessage.Failed.class,
      "Start", ClusterMessage.Start.class,
      "Assign", ClusterMessage.Assign.class,
      "Lowest", ClusterMessage.Lowest.class,
      "Stop", ClusterMessage.Stop.class,
      "Finish", ClusterMessage.Finish.class);

  private final ObjectMapper json;

  public ClusterSerializer(ExtendedActorSystem system) {
    ActorRefResolver refs = ActorRefResolver.get(Adapter.toTyped(system));
    SimpleModule m = new SimpleModule("tdxsim-cluster");
    m.addSerializer(refSerializer(refs));
    m.addDeserializer(ActorRef.class, refDeserializer(refs));
    this.json = new ObjectMapper().registerModule(m);
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static JsonSerializer<ActorRef> refSerializer(ActorRefResolver refs) {
    return new JsonSerializer<>() {
      @Override
      public void serialize(ActorRef ref, JsonGenerator g, SerializerProvider p) throws IOException {
        g.writeString(refs.toSerializationFormat(ref));
      }

      @Override
      public Class<ActorRef> handledType() {
        return ActorRef.class;
      }
    };
  }

  @SuppressWarnings("rawtypes")
  private static JsonDeserializer<ActorRef> refDeserializer(ActorRefResolver refs) {
    return new JsonDeserializer<>() {
      @Override
      public ActorRef deserialize(JsonParser p, DeserializationContext c) throws IOException {
        return refs.resolveActorRef(p.getValueAsString());
      }
    };
  }

  @Override
  public int identifier() {
    return 0x7d5c1a;
  }

  @Override
  public String manifest(Object o) {
    return o.getClass().getSimpleName();
  }

  @Override
  public byte[] toBinary(Object o) {
    try {
      return json.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot serialize " + o.getClass().getSimpleName() + ": " + e, e);
    }
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    Class<? extends ClusterMessage> type = TYPES.get(manifest);
    if (type == null) throw new NotSerializableException("not a tdxsim cluster message: " + manifest);
    try {
      return json.readValue(bytes, type);
    } catch (IOException e) {
      throw new NotSerializableException(manifest + ": " + e.getMessage());
    }
  }
}
