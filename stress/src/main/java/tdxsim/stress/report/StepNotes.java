package tdxsim.stress.report;

import static tdxsim.stress.trace.TraceJson.hex;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tdxsim.actors.monitor.GmemObservation;
import tdxsim.actors.monitor.MmuObservation;
import tdxsim.actors.monitor.Observation;
import tdxsim.actors.monitor.SeptObservation;
import tdxsim.actors.monitor.Violation;
import tdxsim.actors.vm.Vm;
import tdxsim.protocol.Spte;

/** Turns a step's observations into the lines and data of its {@link StepNote}, and decides its relevance. */
final class StepNotes {
  private StepNotes() {}

  static StepNote of(RaceDiagram.Row row, List<Observation> observations, Violation v) {
    List<String> changes = new ArrayList<>();
    List<List<String>> deltas = new ArrayList<>();
    boolean relevant = v != null && (v.actors().contains(row.decision().sender())
        && v.actors().contains(row.decision().receiver()));
    relevant |= row.decision().receiver().equals(Vm.MMU_LOCK) || row.decision().sender().equals(Vm.MMU_LOCK);
    if (v != null) for (long g : v.gfns()) relevant |= row.message().contains(hex(g));
    for (Observation o : observations) {
      long gfn = describe(o, changes, deltas);
      if (gfn >= 0 && v != null && touches(v.gfns(), gfn)) relevant = true;
      if (o instanceof MmuObservation.MmuLockChanged) relevant = true;
    }
    return new StepNote(changes, deltas, relevant, false);
  }

  /** Adds the line and data of {@code o}, if it is one a reader follows; returns its gfn or -1. */
  private static long describe(Observation o, List<String> changes, List<List<String>> deltas) {
    if (o instanceof MmuObservation.MmuLockChanged x) {
      String mode = x.mode().name().equals("EXCLUSIVE") ? "write" : "read";
      changes.add("mmu_lock " + (x.acquired() ? mode + "_lock by " : mode + "_unlock by ") + x.owner());
      deltas.add(List.of("L", x.owner(), mode, x.acquired() ? "1" : "0"));
      return -1;
    }
    if (o instanceof MmuObservation.InvalidateBegin x) {
      changes.add("invalidate_begin [" + hex(x.start()) + ", " + hex(x.end()) + ") in_progress=" + x.inProgress());
      deltas.add(List.of("I", "[" + hex(x.start()) + ", " + hex(x.end()) + ")", "1"));
      return x.start();
    }
    if (o instanceof MmuObservation.InvalidateEnd x) {
      changes.add("invalidate_end [" + hex(x.start()) + ", " + hex(x.end()) + ") seq=" + x.seq());
      deltas.add(List.of("I", "[" + hex(x.start()) + ", " + hex(x.end()) + ")", "0"));
      return x.start();
    }
    if (o instanceof SeptObservation.SeptEntryChanged x) {
      String entry = x.level().shortName() + " " + hex(x.gfn());
      changes.add("S-EPT " + entry + " " + x.from() + " -> " + x.to());
      deltas.add(List.of("S", entry, x.to().name()));
      return x.gfn();
    }
    if (o instanceof MmuObservation.SpteChanged x) {
      String entry = x.level().shortName() + " " + hex(x.gfn());
      changes.add("SPTE " + entry + " " + spte(x.from()) + " -> " + spte(x.to()));
      deltas.add(List.of("M", entry, spte(x.to())));
      return x.gfn();
    }
    if (o instanceof GmemObservation.FolioChanged x) {
      changes.add("folio " + x.order().shortName() + " " + hex(x.gfn()) + (x.live() ? " allocated" : " freed"));
      return x.gfn();
    }
    if (o instanceof GmemObservation.AttributesChanged x) {
      changes.add("attributes [" + hex(x.start()) + ", " + hex(x.end()) + ") " + (x.isPrivate() ? "private"
          : "shared"));
      return x.start();
    }
    return -1;
  }

  private static boolean touches(List<Long> gfns, long gfn) {
    for (long g : gfns) if (g >> 9 == gfn >> 9) return true;
    return false;
  }


  private static String spte(Spte s) {
    return s.kind().name().toLowerCase(Locale.ROOT) + (s.pfn() == 0 ? "" : " " + hex(s.pfn()));
  }
}
