package tdxsim.actors.kvm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.TdpMmuMsg;

/**
 * A walk over the TDP MMU's shards (one actor per 1G region) in gfn order, as one for_each_tdp_pte over the root:
 * one request per shard, each answered before the next is asked, and every answer's leafs in one list.
 */
final class ShardWalk {
  private ShardWalk() {}

  /** The request to shard {@code shard}, carrying {@code tag}. */
  @FunctionalInterface
  interface Ask {
    TdpMmuMsg at(int shard, long tag);
  }

  /** Shards {@code first} to {@code last}, then {@code k} with the leafs in gfn order. */
  static void collect(KvmContext ctx, int first, int last, Ask ask, Consumer<List<KvmReply.Leaf>> k) {
    assert first >= 0 && last < ctx.config().shards() && ask != null : "a walk of shards " + first + ".." + last;
    assert first <= last : "an empty walk of shards " + first + ".." + last + " (an empty range asks no shard)";
    next(ctx, first, last, ask, new ArrayList<>(), k);
  }

  private static void next(KvmContext ctx, int shard, int last, Ask ask, List<KvmReply.Leaf> out,
      Consumer<List<KvmReply.Leaf>> k) {
    if (shard > last) {
      k.accept(out);
      return;
    }
    ctx.request(KvmReply.LeafList.class, l -> {
      out.addAll(l.leafs());
      assert l.leafs().stream().allMatch(x -> ctx.config().shardOf(x.gfn()) == shard) : "shard " + shard + ": " + l;
      next(ctx, shard + 1, last, ask, out, k);
    }, tag -> ctx.peers().tdpMmu().get(shard).tell(ask.at(shard, tag)));
  }
}
