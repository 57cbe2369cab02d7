package io.morgana.net.dhcp.wire;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import io.morgana.net.tcpip.wire.MalformedPacketException;
import io.morgana.net.tcpip.wire.MalformedPacketException.Reason;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The options of a DHCP message (RFC 2132), each code once with its whole value: the instances of
 * a long option split across several (RFC 3396), also across the {@code file} and {@code sname}
 * fields when option 52 overloads them, are concatenated in the order RFC 3396 §5 gives.
 *
 * <p>An instance is valid: {@link #validate} has checked the length and content of every option
 * this class has an accessor for, so the accessors never fail. Options it does not know are kept
 * as raw bytes ({@link #raw}) and emitted again unchanged.
 */
public final class DhcpOptions {

  public static final int PAD = 0;
  public static final int SUBNET_MASK = 1;
  public static final int ROUTER = 3;
  public static final int DNS_SERVERS = 6;
  public static final int HOST_NAME = 12;
  public static final int DOMAIN_NAME = 15;
  public static final int INTERFACE_MTU = 26;
  public static final int REQUESTED_ADDRESS = 50;
  public static final int LEASE_TIME = 51;
  public static final int OVERLOAD = 52;
  public static final int MESSAGE_TYPE = 53;
  public static final int SERVER_ID = 54;
  public static final int PARAMETER_REQUEST_LIST = 55;
  public static final int MESSAGE = 56;
  public static final int MAX_MESSAGE_SIZE = 57;
  public static final int RENEWAL_TIME = 58;
  public static final int REBINDING_TIME = 59;
  public static final int CLIENT_ID = 61;
  public static final int CLASSLESS_ROUTES = 121;
  public static final int END = 255;

  /** No options. */
  public static final DhcpOptions EMPTY = new DhcpOptions(new LinkedHashMap<>());

  private final Map<Integer, byte[]> values; // unmodifiable, insertion order

  private DhcpOptions(LinkedHashMap<Integer, byte[]> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  /**
   * Options from code → value pairs, checked.
   *
   * @throws MalformedPacketException if a known option has a nonsense length or value
   */
  public static DhcpOptions of(Map<Integer, byte[]> values) throws MalformedPacketException {
    LinkedHashMap<Integer, byte[]> copy = new LinkedHashMap<>();
    for (Map.Entry<Integer, byte[]> e : values.entrySet()) {
      int code = e.getKey();
      if (code <= PAD || code >= END) {
        throw new MalformedPacketException(Reason.BAD_LENGTH, "option code " + code + " carries no value");
      }
      copy.put(code, e.getValue().clone());
    }
    validate(copy);
    return new DhcpOptions(copy);
  }

  /** A builder for options to send. */
  public static Builder builder() {
    return new Builder();
  }

  /** Checks the options this class reads. */
  static void validate(Map<Integer, byte[]> v) throws MalformedPacketException {
    for (Map.Entry<Integer, byte[]> e : v.entrySet()) {
      int code = e.getKey();
      byte[] b = e.getValue();
      boolean ok =
          switch (code) {
            case SUBNET_MASK, REQUESTED_ADDRESS, LEASE_TIME, SERVER_ID, RENEWAL_TIME, REBINDING_TIME -> b.length == 4;
            case ROUTER, DNS_SERVERS -> b.length >= 4 && b.length % 4 == 0;
            case HOST_NAME, DOMAIN_NAME, PARAMETER_REQUEST_LIST -> b.length >= 1;
            case INTERFACE_MTU -> b.length == 2 && u16(b) >= 68;
            case MAX_MESSAGE_SIZE -> b.length == 2 && u16(b) >= 576;
            case MESSAGE_TYPE -> b.length == 1 && MessageType.of(b[0] & 0xff) != null;
            case OVERLOAD -> b.length == 1 && (b[0] & 0xff) >= 1 && (b[0] & 0xff) <= 3;
            case CLIENT_ID -> b.length >= 2;
            case CLASSLESS_ROUTES -> routes(b) != null;
            default -> true;
          };
      if (!ok) {
        throw new MalformedPacketException(Reason.BAD_LENGTH, "option " + code + " has a bad value (" + b.length + " bytes)");
      }
    }
  }

  private static int u16(byte[] b) {
    return ((b[0] & 0xff) << 8) | (b[1] & 0xff);
  }

  private static int s32(byte[] b, int i) {
    return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
  }

  /** RFC 3442 §2 routes, or null when the encoding is broken. */
  private static List<ClasslessRoute> routes(byte[] b) {
    List<ClasslessRoute> out = new ArrayList<>();
    int i = 0;
    while (i < b.length) {
      int width = b[i++] & 0xff;
      if (width > 32) {
        return null;
      }
      int significant = (width + 7) / 8;
      if (i + significant + 4 > b.length) {
        return null;
      }
      int dest = 0;
      for (int k = 0; k < significant; k++) {
        dest |= (b[i + k] & 0xff) << (24 - 8 * k);
      }
      int mask = width == 0 ? 0 : -1 << (32 - width);
      i += significant;
      out.add(new ClasslessRoute(new Ipv4Cidr(Ipv4Address.of(dest & mask), width), Ipv4Address.of(s32(b, i))));
      i += 4;
    }
    return out;
  }

  // ------------------------------------------------------------------ accessors

  /** Every option, code → value (copies). */
  public Map<Integer, byte[]> asMap() {
    LinkedHashMap<Integer, byte[]> m = new LinkedHashMap<>();
    values.forEach((k, v) -> m.put(k, v.clone()));
    return m;
  }

  /** The codes present, in order. */
  public List<Integer> codes() {
    return List.copyOf(values.keySet());
  }

  /** The value of option {@code code} (a copy), if present. */
  public Optional<byte[]> raw(int code) {
    byte[] b = values.get(code);
    return b == null ? Optional.empty() : Optional.of(b.clone());
  }

  public boolean has(int code) {
    return values.containsKey(code);
  }

  public Optional<MessageType> messageType() {
    byte[] b = values.get(MESSAGE_TYPE);
    return b == null ? Optional.empty() : Optional.of(MessageType.of(b[0] & 0xff));
  }

  private Optional<Ipv4Address> address(int code) {
    byte[] b = values.get(code);
    return b == null ? Optional.empty() : Optional.of(Ipv4Address.of(s32(b, 0)));
  }

  private List<Ipv4Address> addresses(int code) {
    byte[] b = values.get(code);
    if (b == null) {
      return List.of();
    }
    List<Ipv4Address> out = new ArrayList<>(b.length / 4);
    for (int i = 0; i < b.length; i += 4) {
      out.add(Ipv4Address.of(s32(b, i)));
    }
    return List.copyOf(out);
  }

  private OptionalLong seconds(int code) {
    byte[] b = values.get(code);
    return b == null ? OptionalLong.empty() : OptionalLong.of(s32(b, 0) & 0xffff_ffffL);
  }

  private Optional<String> text(int code) {
    byte[] b = values.get(code);
    return b == null ? Optional.empty() : Optional.of(new String(b, StandardCharsets.US_ASCII));
  }

  public Optional<Ipv4Address> subnetMask() {
    return address(SUBNET_MASK);
  }

  /** The prefix length of the subnet mask, if present and contiguous. */
  public OptionalInt prefixLength() {
    Optional<Ipv4Address> m = subnetMask();
    if (m.isEmpty()) {
      return OptionalInt.empty();
    }
    int bits = m.get().toInt();
    int ones = Integer.bitCount(bits);
    int contiguous = ones == 0 ? 0 : -1 << (32 - ones);
    return bits == contiguous ? OptionalInt.of(ones) : OptionalInt.empty();
  }

  public List<Ipv4Address> routers() {
    return addresses(ROUTER);
  }

  public List<Ipv4Address> dnsServers() {
    return addresses(DNS_SERVERS);
  }

  public Optional<String> hostName() {
    return text(HOST_NAME);
  }

  public Optional<String> domainName() {
    return text(DOMAIN_NAME);
  }

  public OptionalInt mtu() {
    byte[] b = values.get(INTERFACE_MTU);
    return b == null ? OptionalInt.empty() : OptionalInt.of(u16(b));
  }

  public Optional<Ipv4Address> requestedAddress() {
    return address(REQUESTED_ADDRESS);
  }

  /** Lease time in seconds; 0xffffffff is infinity (RFC 2132 §9.2). */
  public OptionalLong leaseTime() {
    return seconds(LEASE_TIME);
  }

  public OptionalLong renewalTime() {
    return seconds(RENEWAL_TIME);
  }

  public OptionalLong rebindingTime() {
    return seconds(REBINDING_TIME);
  }

  public Optional<Ipv4Address> serverId() {
    return address(SERVER_ID);
  }

  public List<Integer> parameterRequestList() {
    byte[] b = values.get(PARAMETER_REQUEST_LIST);
    if (b == null) {
      return List.of();
    }
    List<Integer> out = new ArrayList<>(b.length);
    for (byte x : b) {
      out.add(x & 0xff);
    }
    return List.copyOf(out);
  }

  public Optional<byte[]> clientId() {
    return raw(CLIENT_ID);
  }

  public Optional<String> message() {
    return text(MESSAGE);
  }

  public OptionalInt maxMessageSize() {
    byte[] b = values.get(MAX_MESSAGE_SIZE);
    return b == null ? OptionalInt.empty() : OptionalInt.of(u16(b));
  }

  public List<ClasslessRoute> classlessRoutes() {
    byte[] b = values.get(CLASSLESS_ROUTES);
    return b == null ? List.of() : List.copyOf(routes(b));
  }

  /**
   * The default gateway: the default route of option 121 when it has one (RFC 3442 §2: it takes
   * precedence over option 3), otherwise the first router.
   */
  public Optional<Ipv4Address> defaultGateway() {
    if (has(CLASSLESS_ROUTES)) {
      for (ClasslessRoute r : classlessRoutes()) {
        if (r.isDefault()) {
          return Optional.of(r.router());
        }
      }
      return Optional.empty();
    }
    List<Ipv4Address> r = routers();
    return r.isEmpty() ? Optional.empty() : Optional.of(r.getFirst());
  }

  // ------------------------------------------------------------------ wire

  /**
   * Reads the options of one field ({@code [from, to)} of {@code buf}) into {@code into},
   * concatenating repeated codes (RFC 3396).
   *
   * @return whether an END option closed the field
   */
  static boolean read(ByteBuf buf, int from, int to, LinkedHashMap<Integer, byte[]> into) throws MalformedPacketException {
    int i = from;
    while (i < to) {
      int code = buf.getUnsignedByte(i++);
      if (code == PAD) {
        continue;
      }
      if (code == END) {
        return true;
      }
      if (i >= to) {
        throw new MalformedPacketException(Reason.TRUNCATED, "option " + code + " has no length");
      }
      int len = buf.getUnsignedByte(i++);
      if (i + len > to) {
        throw new MalformedPacketException(Reason.TRUNCATED, "option " + code + " claims " + len + " bytes, " + (to - i) + " left");
      }
      byte[] value = new byte[len];
      buf.getBytes(i, value);
      i += len;
      byte[] before = into.get(code);
      if (before == null) {
        into.put(code, value);
      } else {
        byte[] joined = Arrays.copyOf(before, before.length + len);
        System.arraycopy(value, 0, joined, before.length, len);
        into.put(code, joined);
      }
    }
    return false;
  }

  static DhcpOptions wrapValidated(LinkedHashMap<Integer, byte[]> values) throws MalformedPacketException {
    validate(values);
    return new DhcpOptions(values);
  }

  /** Bytes {@link #writeTo} writes, END included. */
  public int encodedLength() {
    int n = 1;
    for (byte[] v : values.values()) {
      int instances = Math.max(1, (v.length + 254) / 255);
      n += 2 * instances + v.length;
    }
    return n;
  }

  /**
   * Writes the options and END at {@code buf}'s writer index; a value longer than 255 bytes is
   * split into instances of at most 255 (RFC 3396 §7).
   */
  public void writeTo(ByteBuf buf) {
    for (Map.Entry<Integer, byte[]> e : values.entrySet()) {
      byte[] v = e.getValue();
      int off = 0;
      do {
        int n = Math.min(255, v.length - off);
        buf.writeByte(e.getKey());
        buf.writeByte(n);
        buf.writeBytes(v, off, n);
        off += n;
      } while (off < v.length);
    }
    buf.writeByte(END);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DhcpOptions other) || !other.values.keySet().equals(values.keySet())) {
      return false;
    }
    for (Map.Entry<Integer, byte[]> e : values.entrySet()) {
      if (!Arrays.equals(e.getValue(), other.values.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (Map.Entry<Integer, byte[]> e : values.entrySet()) {
      h += e.getKey() ^ Arrays.hashCode(e.getValue());
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("{");
    values.forEach((k, v) -> s.append(s.length() > 1 ? ", " : "").append(k).append('=').append(HexFormatHolder.HEX.formatHex(v)));
    return s.append('}').toString();
  }

  private static final class HexFormatHolder {
    static final java.util.HexFormat HEX = java.util.HexFormat.of();
  }

  /** Builds options to send; typed setters and {@link #raw(int, byte[])} for anything else. */
  public static final class Builder {
    private final LinkedHashMap<Integer, byte[]> values = new LinkedHashMap<>();

    private Builder() {}

    public Builder raw(int code, byte[] value) {
      if (code <= PAD || code >= END) {
        throw new IllegalArgumentException("option code " + code);
      }
      values.put(code, value.clone());
      return this;
    }

    private Builder u32(int code, long v) {
      return raw(code, new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    private Builder addresses(int code, List<Ipv4Address> list) {
      if (list.isEmpty()) {
        return this;
      }
      byte[] b = new byte[4 * list.size()];
      for (int i = 0; i < list.size(); i++) {
        System.arraycopy(list.get(i).toBytes(), 0, b, 4 * i, 4);
      }
      return raw(code, b);
    }

    public Builder messageType(MessageType t) {
      return raw(MESSAGE_TYPE, new byte[] {(byte) t.code()});
    }

    public Builder subnetMask(Ipv4Address mask) {
      return u32(SUBNET_MASK, mask.toInt() & 0xffff_ffffL);
    }

    public Builder routers(List<Ipv4Address> routers) {
      return addresses(ROUTER, routers);
    }

    public Builder dnsServers(List<Ipv4Address> servers) {
      return addresses(DNS_SERVERS, servers);
    }

    public Builder hostName(String name) {
      return raw(HOST_NAME, name.getBytes(StandardCharsets.US_ASCII));
    }

    public Builder domainName(String name) {
      return raw(DOMAIN_NAME, name.getBytes(StandardCharsets.US_ASCII));
    }

    public Builder mtu(int mtu) {
      return raw(INTERFACE_MTU, new byte[] {(byte) (mtu >>> 8), (byte) mtu});
    }

    public Builder requestedAddress(Ipv4Address a) {
      return u32(REQUESTED_ADDRESS, a.toInt() & 0xffff_ffffL);
    }

    public Builder leaseTime(long seconds) {
      return u32(LEASE_TIME, seconds);
    }

    public Builder renewalTime(long seconds) {
      return u32(RENEWAL_TIME, seconds);
    }

    public Builder rebindingTime(long seconds) {
      return u32(REBINDING_TIME, seconds);
    }

    public Builder serverId(Ipv4Address a) {
      return u32(SERVER_ID, a.toInt() & 0xffff_ffffL);
    }

    public Builder parameterRequestList(int... codes) {
      byte[] b = new byte[codes.length];
      for (int i = 0; i < codes.length; i++) {
        b[i] = (byte) codes[i];
      }
      return raw(PARAMETER_REQUEST_LIST, b);
    }

    public Builder clientId(byte[] id) {
      return raw(CLIENT_ID, id);
    }

    public Builder message(String text) {
      return raw(MESSAGE, text.getBytes(StandardCharsets.US_ASCII));
    }

    public Builder maxMessageSize(int size) {
      return raw(MAX_MESSAGE_SIZE, new byte[] {(byte) (size >>> 8), (byte) size});
    }

    public Builder classlessRoutes(List<ClasslessRoute> routes) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      for (ClasslessRoute r : routes) {
        int width = r.destination().prefixLength();
        out.write(width);
        byte[] d = r.destination().network().toBytes();
        out.write(d, 0, (width + 7) / 8);
        out.writeBytes(r.router().toBytes());
      }
      return raw(CLASSLESS_ROUTES, out.toByteArray());
    }

    /**
     * The options built.
     *
     * @throws IllegalArgumentException if a raw value breaks a known option's rules
     */
    public DhcpOptions build() {
      LinkedHashMap<Integer, byte[]> copy = new LinkedHashMap<>(values);
      try {
        validate(copy);
      } catch (MalformedPacketException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      return new DhcpOptions(copy);
    }
  }
}
