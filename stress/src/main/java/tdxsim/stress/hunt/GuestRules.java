package tdxsim.stress.hunt;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Keeps a generated world to what a guest and a VMM do, so that whatever breaks is the host's protocol and not a
 * world no kernel would run. Two steps overlapping in pages conflict when:
 * <ul>
 *   <li>one is a VMM punch hole or conversion and the other a guest op (ACCEPT, touch, MapGPA): a VMM that takes
 *       memory from under its guest is the guest's problem (a #VE on an accepted page is data loss), not KVM's;
 *       prefetch (KVM_PRE_FAULT_MEMORY, the VMM's own) may meet them, as in race R5 and R9;</li>
 *   <li>one converts to shared and the other accesses the pages as private (ACCEPT, touch) on another vCPU, or on
 *       the same vCPU afterwards: a private access to a shared gfn is a KVM_EXIT_MEMORY_FAULT the VMM resolves;</li>
 *   <li>both are MapGPAs of different vCPUs: one guest never converts the same pages on two CPUs at once;</li>
 *   <li>one is a Linux ACCEPT (a Linux-style accept, or the accept after a MapGPA to private) and the other
 *       accepts the same pages on another vCPU, or accepted them before on this one (a touch accepts on its #VE)
 *       with no conversion to shared in between: Linux panics on TDX_PAGE_ALREADY_ACCEPTED, as it should;</li>
 *   <li>one is a Linux ACCEPT and the other a prefetch of the same pages on another vCPU's fd: the prefetch's
 *       TDH.MEM.PAGE.AUG holds the S-EPT entry's lock host-side, the guest's TDG.MEM.PAGE.ACCEPT then fails
 *       with TDX_OPERAND_BUSY (sept_lock_acquire_guest) and Linux's try_accept_one gives up, so the guest panics.
 *       That window is real (KVM_PRE_FAULT_MEMORY is allowed once tdx_td_finalize sets pre_fault_allowed) and
 *       documented (docs/observations.md, "What the hunt found"); worlds keep out of it so that it hides
 *       nothing else.</li>
 * </ul>
 * A conversion back to private of IOMMU-pinned pages is refused, so it undoes nothing.
 * Build-time pages (TDH.MEM.PAGE.ADD) are accepted already: no Linux ACCEPT, conversion or VMM action meets them.
 * A step that conflicts with one kept before it gets another span a few times, and is dropped if none fits. A
 * conversion to private only ever follows the conversion to shared of the same pages (Linux calls
 * set_memory_encrypted on what it decrypted; a VMM converts back what it converted): it is dropped with it.
 */
final class GuestRules {
  private static final int REDRAWS = 8;

  /** A step and where it stands: its vCPU (-1: the VMM) and index in that vCPU's list. */
  private record Placed(GenOp op, int vcpu, int index) {}

  private final long buildPages;
  /** The IOMMU-pinned pages, or null: a conversion back to private of those is refused, so it never counts. */
  private final GenOp pinned;
  private final UnaryOperator<GenOp> redraw;
  private final List<Placed> kept = new ArrayList<>();
  private List<GenOp> current = List.of();

  GuestRules(long buildPages, GenOp pinned, UnaryOperator<GenOp> redraw) {
    this.buildPages = buildPages;
    this.pinned = pinned;
    this.redraw = redraw;
  }

  /** The steps of {@code ops} (of {@code vcpu}, -1 for the VMM) that fit, each redrawn until it does or dropped. */
  List<GenOp> fit(List<GenOp> ops, int vcpu) {
    List<GenOp> out = new ArrayList<>();
    current = out;
    for (GenOp o : ops) {
      if (o.kind().backToPrivate()) { // only the way back of the conversion to shared just before it
        GenOp before = out.isEmpty() ? null : out.get(out.size() - 1);
        if (before == null || !before.kind().toShared()) continue;
        o = before.at(before.start(), before.pages()).as(o.kind());
      }
      Placed p = new Placed(o, vcpu, out.size());
      for (int tries = 0; tries < REDRAWS && conflicts(p); tries++) p = new Placed(redraw.apply(p.op), vcpu, p.index);
      if (conflicts(p)) continue;
      out.add(p.op);
      kept.add(p);
    }
    return out;
  }

  private boolean conflicts(Placed p) {
    if (p.op.kind() == GenOp.Kind.NMI) return false;
    if (touchesBuildPages(p.op)) return true;
    for (Placed k : kept) if (k.op.overlaps(p.op) && (conflict(k, p) || conflict(p, k))) return true;
    return false;
  }

  private boolean touchesBuildPages(GenOp o) {
    boolean restricted = linuxAccept(o) || o.kind().toShared() || vmmAction(o);
    return restricted && o.start() < buildPages;
  }

  /** Whether {@code a} and the later-placed or earlier {@code b} conflict in the direction a -> b. */
  private boolean conflict(Placed a, Placed b) {
    boolean same = a.vcpu == b.vcpu && a.vcpu >= 0;
    if (vmmAction(a.op) && guestOp(b.op)) return true;
    if (!same && a.vcpu >= 0 && b.vcpu >= 0 && conversion(a.op) && conversion(b.op)) return true;
    if (a.op.kind() == GenOp.Kind.TO_SHARED && privateUse(b.op)) {
      return !same || (b.index > a.index && !convertedBack(a));
    }
    if (linuxAccept(b.op) && accepts(a.op)) return !same || (a.index < b.index && !sharedBetween(a, b));
    return linuxAccept(b.op) && a.op.kind() == GenOp.Kind.PREFETCH && !same;
  }

  private boolean convertedBack(Placed shared) {
    if (pinned != null && shared.op.overlaps(pinned)) return false; // refused while the IOMMU holds a pin
    int next = shared.index + 1;
    return next < current.size() && current.get(next).kind() == GenOp.Kind.TO_PRIVATE
        && current.get(next).start() == shared.op.start() && current.get(next).pages() == shared.op.pages();
  }

  /** A conversion to shared of all of {@code b}'s pages on their vCPU between {@code a} and {@code b}. */
  private boolean sharedBetween(Placed a, Placed b) {
    for (Placed k : kept) {
      if (pinned != null && b.op.overlaps(pinned)) return false;
      if (k.vcpu == b.vcpu && k.index > a.index && k.index < b.index && k.op.kind() == GenOp.Kind.TO_SHARED
          && k.op.start() <= b.op.start() && k.op.start() + k.op.pages() >= b.op.start() + b.op.pages()) {
        return true;
      }
    }
    return false;
  }

  private static boolean vmmAction(GenOp o) {
    return o.kind() == GenOp.Kind.PUNCH_HOLE || o.kind() == GenOp.Kind.CONVERT_SHARED
        || o.kind() == GenOp.Kind.CONVERT_PRIVATE;
  }

  private static boolean conversion(GenOp o) {
    return o.kind() == GenOp.Kind.TO_SHARED || o.kind() == GenOp.Kind.TO_PRIVATE;
  }

  private static boolean guestOp(GenOp o) {
    return o.kind() == GenOp.Kind.ACCEPT || o.kind() == GenOp.Kind.TOUCH || o.kind() == GenOp.Kind.TO_SHARED
        || o.kind() == GenOp.Kind.TO_PRIVATE;
  }

  private static boolean privateUse(GenOp o) {
    return o.kind() == GenOp.Kind.ACCEPT || o.kind() == GenOp.Kind.TOUCH;
  }

  private static boolean accepts(GenOp o) {
    return o.kind() == GenOp.Kind.ACCEPT || o.kind() == GenOp.Kind.TOUCH || o.kind() == GenOp.Kind.TO_PRIVATE;
  }

  private static boolean linuxAccept(GenOp o) {
    return (o.kind() == GenOp.Kind.ACCEPT && o.tail().isEmpty()) || o.kind() == GenOp.Kind.TO_PRIVATE;
  }
}
