package io.morgana.xen.conformance;

/**
 * The {@code blkif_request}/{@code blkif_response} offsets (x86_64, {@code io/blkif.h}) that the
 * ring conformance test writes and reads; checked against C by {@link LayoutConformanceTest}.
 */
final class BlkifLayout {
  static final int REQUEST_SIZE = 112;
  static final int OPERATION = 0;
  static final int NR_SEGMENTS = 1;
  static final int HANDLE = 2;
  static final int ID = 8;
  static final int SECTOR_NUMBER = 16;
  static final int SEG = 24;
  static final int SEG_SIZE = 8;
  static final int SEG_GREF = 0;
  static final int SEG_FIRST_SECT = 4;
  static final int SEG_LAST_SECT = 5;
  static final int MAX_SEGMENTS = 11;
  static final int RESPONSE_SIZE = 16;
  static final int RSP_ID = 0;
  static final int RSP_OPERATION = 8;
  static final int RSP_STATUS = 10;
  static final int BLKIF_RSP_OKAY = 0;

  private BlkifLayout() {}
}
