package io.mtasts.operator.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The grammar shared by the {@code _mta-sts} (RFC 8461 section 3.1) and {@code _smtp._tls} (RFC
 * 8460 section 3) TXT records: a version tag, then fields separated by {@code *WSP ";" *WSP}, an
 * optional trailing separator. It splits a record into its fields and checks extension fields;
 * the record types check their own fields.
 */
final class TaggedRecord {

  static final Pattern EXTENSION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
  static final Pattern EXTENSION_VALUE = Pattern.compile("[\\x21-\\x3A\\x3C\\x3E-\\x7E]+");

  /**
   * The RDATA of one TXT record is at most 65535 bytes (RFC 1035 RDLENGTH), so no joined record
   * text is longer. Longer input cannot have come from DNS and is rejected before it is split,
   * which keeps the work and the number of findings bounded.
   */
  static final int MAX_LENGTH = 65_535;

  /** One {@code name=value} field, numbered from 1 in record order. */
  record Field(String name, String value) {}

  /** The fields of a record, or the errors that kept it from being split. */
  record Split(List<Field> fields, List<Finding> errors, List<Finding> warnings) {}

  private TaggedRecord() {}

  /**
   * Splits {@code text} that must begin with {@code version} (for example {@code v=STSv1}).
   * Extension fields (names not in {@code knownNames}) are checked here.
   */
  static Split split(String text, String version, List<String> knownNames) {
    List<Finding> errors = new ArrayList<>();
    List<Finding> warnings = new ArrayList<>();
    List<Field> fields = new ArrayList<>();
    if (text.length() > MAX_LENGTH) {
      errors.add(Finding.of("record is " + text.length() + " characters long; a TXT record holds"
          + " at most " + MAX_LENGTH + " bytes"));
      return new Split(fields, errors, warnings);
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\t') || c >= 0x7f) {
        errors.add(Finding.of(String.format(Locale.ROOT,
            "character U+%04X at position %d is not allowed; records are printable ASCII",
            (int) c, i + 1)));
        return new Split(fields, errors, warnings);
      }
    }
    String versionToken = text.split("[ \t;]", 2)[0];
    if (!text.startsWith(version) || !versionToken.equals(version)) {
      errors.add(Finding.of("record must begin with '" + version + "' (case-sensitive); found '"
          + abbreviate(versionToken) + "'"));
      return new Split(fields, errors, warnings);
    }
    String rest = text.substring(version.length());
    String trimmed = Whitespace.stripTrailing(rest);
    if (trimmed.length() != rest.length() && !trimmed.endsWith(";")) {
      warnings.add(Finding.of("trailing whitespace after the last field is outside the grammar;"
          + " some senders reject the record; remove it"));
      rest = trimmed;
    }
    if (rest.isEmpty()) {
      return new Split(fields, errors, warnings);
    }
    String[] parts = rest.split(";", -1);
    if (parts.length == 1) {
      errors.add(Finding.of("fields must be separated from '" + version + "' by ';'"));
      return new Split(fields, errors, warnings);
    }
    if (!Whitespace.strip(parts[0]).isEmpty()) {
      errors.add(Finding.of("unexpected text '" + abbreviate(Whitespace.strip(parts[0]))
          + "' between '" + version + "' and the first ';'"));
      return new Split(fields, errors, warnings);
    }
    if (!parts[0].isEmpty()) {
      warnings.add(Finding.of("whitespace before the first ';' : senders that require the record"
          + " to begin with exactly '" + version + ";' discard it; write '" + version + "; ...'"));
    }
    for (int i = 1; i < parts.length; i++) {
      String field = Whitespace.strip(parts[i]);
      if (field.isEmpty()) {
        if (i < parts.length - 1) {
          errors.add(Finding.of("empty field (';;') after field " + (i - 1) + " is not allowed"));
        }
        continue;
      }
      int eq = field.indexOf('=');
      if (eq < 0) {
        errors.add(Finding.of("field '" + abbreviate(field) + "' must be written name=value"));
        continue;
      }
      String name = field.substring(0, eq);
      String value = field.substring(eq + 1);
      if (!knownNames.contains(name)) {
        checkExtension(name, value, errors, warnings, knownNames);
      }
      fields.add(new Field(name, value));
    }
    return new Split(fields, errors, warnings);
  }

  private static void checkExtension(
      String name, String value, List<Finding> errors, List<Finding> warnings,
      List<String> knownNames) {
    if (!EXTENSION_NAME.matcher(name).matches()) {
      errors.add(Finding.atField(abbreviate(name), "is not a valid field name (a letter or digit,"
          + " then up to 31 letters, digits, '_', '-' or '.', and no spaces around '=')"));
      return;
    }
    if (!EXTENSION_VALUE.matcher(value).matches()) {
      errors.add(Finding.atField(name, "value '" + abbreviate(value) + "' must be one or more"
          + " printable characters other than '=', ';' and space"));
      return;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (knownNames.contains(lower)) {
      warnings.add(Finding.atField(name, "is not '" + lower
          + "' (field names are case-sensitive); it is ignored as an unknown extension"));
    }
  }

  /** Untrusted text as quoted in a message: at most 80 characters, control characters escaped. */
  static String abbreviate(String s) {
    return escapeControls(s.length() <= 80 ? s : s.substring(0, 77) + "...");
  }

  /**
   * Control characters (C0, DEL, C1) written as a backslash, 'u' and four hex digits, so that
   * quoting text from DNS or a user never breaks a message over lines or sends terminal escapes.
   */
  static String escapeControls(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
      if (control && out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (out != null) {
        out.append(control ? String.format(Locale.ROOT, "\\u%04X", (int) c) : c);
      }
    }
    return out == null ? s : out.toString();
  }
}
