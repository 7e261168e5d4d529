package tdxsim.protocol;

/** Host-side SEAMCALL leaves that this model issues, named as in the TDX ABI. */
public enum SeamcallLeaf {
  TDH_VP_ENTER,
  TDH_MR_FINALIZE,
  TDH_MEM_PAGE_ADD,
  TDH_MEM_SEPT_ADD,
  TDH_MEM_PAGE_AUG,
  TDH_MEM_RANGE_BLOCK,
  TDH_MEM_RANGE_UNBLOCK,
  TDH_MEM_TRACK,
  TDH_MEM_PAGE_REMOVE,
  TDH_MEM_PAGE_DEMOTE,
  TDH_MEM_PAGE_PROMOTE,
  TDH_PHYMEM_PAGE_WBINVD,
  TDH_VP_FLUSH,
  TDH_MNG_VPFLUSHDONE,
  TDH_PHYMEM_CACHE_WB,
  TDH_MNG_KEY_FREEID,
  TDH_PHYMEM_PAGE_RECLAIM;

  /** "TDH.MEM.PAGE.AUG" */
  public String abiName() {
    return name().replace('_', '.');
  }
}
