package io.pcsr.udf.image.tiff;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.w3c.dom.Node;

/**
 * Turns one TIFFField node of the native TIFF metadata tree into a {@link TiffField}. The tree
 * (shared by the JDK and TwelveMonkeys) names the type by its container element, TIFFShorts
 * holding TIFFShort elements and so on, with each value as text in a "value" attribute.
 */
final class TiffMetadataNodes {
  private static final Map<String, TiffType> CONTAINERS = Map.ofEntries(
      Map.entry("TIFFBytes", TiffType.BYTE),
      Map.entry("TIFFSBytes", TiffType.SBYTE),
      Map.entry("TIFFAsciis", TiffType.ASCII),
      Map.entry("TIFFShorts", TiffType.SHORT),
      Map.entry("TIFFSShorts", TiffType.SSHORT),
      Map.entry("TIFFLongs", TiffType.LONG),
      Map.entry("TIFFSLongs", TiffType.SLONG),
      Map.entry("TIFFLong8s", TiffType.LONG8),
      Map.entry("TIFFRationals", TiffType.RATIONAL),
      Map.entry("TIFFSRationals", TiffType.SRATIONAL),
      Map.entry("TIFFFloats", TiffType.FLOAT),
      Map.entry("TIFFDoubles", TiffType.DOUBLE),
      Map.entry("TIFFUndefined", TiffType.UNDEFINED));

  private TiffMetadataNodes() {}

  static Optional<TiffField> toField(Node fieldNode) {
    int tag = Integer.parseInt(attribute(fieldNode, "number"));
    Node container = firstElement(fieldNode);
    if (container == null) {
      return Optional.empty();
    }
    TiffType type = CONTAINERS.get(container.getNodeName());
    if (type == null) {
      return Optional.empty(); // IFD pointers and the like: nothing to carry
    }
    if (type == TiffType.UNDEFINED) {
      return Optional.of(TiffField.bytes(tag, type, undefinedBytes(container)));
    }
    List<String> texts = new ArrayList<>();
    for (Node v = container.getFirstChild(); v != null; v = v.getNextSibling()) {
      if (v.getNodeType() == Node.ELEMENT_NODE) {
        texts.add(attribute(v, "value"));
      }
    }
    return Optional.of(parse(tag, type, texts));
  }

  private static TiffField parse(int tag, TiffType type, List<String> texts) {
    switch (type.storage()) {
      case TEXT:
        return TiffField.ascii(tag, String.join("\0", texts));
      case BYTES: {
        byte[] b = new byte[texts.size()];
        for (int i = 0; i < b.length; i++) {
          b[i] = (byte) Integer.parseInt(texts.get(i).trim());
        }
        return TiffField.bytes(tag, type, b);
      }
      case REALS: {
        double[] d = texts.stream().mapToDouble(t -> Double.parseDouble(t.trim())).toArray();
        return new TiffField(tag, type, d);
      }
      default: {
        List<Long> numbers = new ArrayList<>();
        for (String t : texts) {
          if (type.isRational()) {
            String[] parts = t.trim().split("/");
            numbers.add(Long.parseLong(parts[0].trim()));
            numbers.add(parts.length > 1 ? Long.parseLong(parts[1].trim()) : 1L);
          } else {
            numbers.add(Long.parseLong(t.trim()));
          }
        }
        return TiffField.integers(tag, type,
            numbers.stream().mapToLong(Long::longValue).toArray());
      }
    }
  }

  // Both plugins write UNDEFINED data as one "value" attribute of comma-separated bytes.
  private static byte[] undefinedBytes(Node container) {
    String text = attribute(container, "value");
    if (text == null || text.isBlank()) {
      return new byte[0];
    }
    String[] parts = text.split(",");
    byte[] out = new byte[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i].trim();
      out[i] = p.isEmpty() ? 0 : (byte) Integer.parseInt(p);
    }
    return out;
  }

  private static Node firstElement(Node parent) {
    for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c.getNodeType() == Node.ELEMENT_NODE) {
        return c;
      }
    }
    return null;
  }

  private static String attribute(Node node, String name) {
    Node a = node.getAttributes() == null ? null : node.getAttributes().getNamedItem(name);
    return a == null ? null : a.getNodeValue();
  }
}
