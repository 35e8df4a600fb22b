package io.mtasts.operator.tlsrpt;

import io.mtasts.operator.policy.Finding;
import io.mtasts.operator.policy.ParseResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Inflates a gzip body while counting: it stops as soon as the output passes the report size
 * limit or the allowed ratio to the input, so a small bomb never becomes a large buffer.
 */
public final class BoundedGunzip {

  private BoundedGunzip() {}

  public static ParseResult<byte[]> gunzip(byte[] gzip, ReportLimits limits) {
    if (gzip.length < 2 || (gzip[0] & 0xff) != 0x1f || (gzip[1] & 0xff) != 0x8b) {
      return ParseResult.invalid(new Finding("gzip", "not gzip data (it does not start with"
          + " the gzip magic bytes 1f 8b)"));
    }
    if (gzip.length > limits.maxJsonBytes()) {
      return ParseResult.invalid(new Finding("gzip", "is " + gzip.length + " bytes, more than the "
          + limits.maxJsonBytes() + " bytes allowed"));
    }
    long byRatio = (long) gzip.length * limits.maxCompressionRatio();
    long limit = Math.min(limits.maxJsonBytes(), byRatio);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), 8192)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        if ((long) out.size() + n > limit) {
          return ParseResult.invalid(new Finding("gzip", tooLarge(gzip.length, limit, byRatio,
              limits)));
        }
        out.write(buffer, 0, n);
      }
    } catch (ZipException e) {
      return ParseResult.invalid(new Finding("gzip", "corrupt: " + e.getMessage()));
    } catch (IOException e) {
      // GZIPInputStream reports a cut-off body as a bare EOFException
      return ParseResult.invalid(new Finding("gzip", "truncated or unreadable"
          + (e.getMessage() == null ? "" : ": " + e.getMessage())));
    }
    return ParseResult.valid(out.toByteArray(), List.of());
  }

  private static String tooLarge(int compressed, long limit, long byRatio, ReportLimits limits) {
    if (byRatio < limits.maxJsonBytes()) {
      return "inflates to more than " + limit + " bytes from " + compressed + " bytes, beyond"
          + " the allowed ratio of " + limits.maxCompressionRatio() + ":1";
    }
    return "inflates to more than " + limits.maxJsonBytes() + " bytes, the largest report"
        + " allowed";
  }
}
