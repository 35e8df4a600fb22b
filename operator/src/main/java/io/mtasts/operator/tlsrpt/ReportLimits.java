package io.mtasts.operator.tlsrpt;

/**
 * Bounds on what a report may cost to read. Reports come from anyone who can send mail or reach
 * the receiver, so every size is bounded before the bytes are parsed or inflated.
 *
 * @param maxJsonBytes the largest report JSON, after decompression
 * @param maxCompressionRatio the most a gzip body may inflate, as decompressed / compressed size;
 *     deflate reaches about 1000:1 on repeated bytes, while report JSON compresses far less
 * @param maxNestingDepth the deepest JSON nesting; a report nests 4 levels
 * @param maxStringLength the longest JSON string or field name
 */
public record ReportLimits(
    int maxJsonBytes, int maxCompressionRatio, int maxNestingDepth, int maxStringLength) {

  /**
   * Large enough for the biggest reports senders publish (one entry per sending address of a large
   * provider), small enough that a receiver can hold several in memory.
   */
  public static final ReportLimits DEFAULT = new ReportLimits(8 * 1024 * 1024, 100, 16, 64 * 1024);

  public ReportLimits {
    if (maxJsonBytes < 1 || maxCompressionRatio < 1 || maxNestingDepth < 4
        || maxStringLength < 1) {
      throw new IllegalArgumentException("report limits must be positive, nesting at least 4");
    }
  }
}
