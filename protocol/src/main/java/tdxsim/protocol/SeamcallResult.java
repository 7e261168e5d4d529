package tdxsim.protocol;

/** Completion of a host SEAMCALL: RAX = {@code status}; {@code tag} echoes {@link TdxModuleMsg.Caller#tag()}. */
public record SeamcallResult(SeamcallLeaf leaf, long gfn, Level level, TdxStatus status, long tag)
    implements KvmReply {}
