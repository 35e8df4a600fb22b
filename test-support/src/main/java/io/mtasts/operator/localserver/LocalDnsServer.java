package io.mtasts.operator.localserver;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A DNS server on 127.0.0.1 (UDP and TCP on one port) that answers like a recursive resolver from
 * records added through its API, and fails on request in the ways that matter to MTA-STS lookups:
 * SERVFAIL, no answer at all, and UDP answers truncated so that only TCP gets the data.
 *
 * <p>Records are kept exactly as added, duplicates included, so that broken zones can be imitated.
 * A name exists when it owns records or has a descendant that does (an empty non-terminal), which
 * decides between NXDOMAIN and an empty NOERROR answer.
 */
public final class LocalDnsServer implements AutoCloseable {
  /** The transport a query arrived on. */
  public enum Transport {
    UDP,
    TCP
  }

  /**
   * One question the server received.
   *
   * @param name the queried name, without the trailing dot
   * @param type the query type, a {@link Type} constant
   * @param transport how the query arrived
   */
  public record Query(String name, int type, Transport transport) {
    public String typeName() {
      return Type.string(type);
    }
  }

  public static final long DEFAULT_TTL = 300;

  private static final Logger LOG = LoggerFactory.getLogger(LocalDnsServer.class);
  // Resolvers give up on longer chains too; it also ends CNAME loops.
  private static final int MAX_CNAME_CHAIN = 8;
  private static final int UDP_PAYLOAD_WITHOUT_EDNS = 512;
  // The size the DNS flag day 2020 settled on; larger UDP answers are truncated.
  private static final int UDP_PAYLOAD_WITH_EDNS = 1232;
  private static final int BIND_ATTEMPTS = 20;

  private final Object lock = new Object();
  private final Map<Name, List<Record>> records = new HashMap<>();
  private final Set<Name> servfailNames = ConcurrentHashMap.newKeySet();
  private final Set<Name> stalledNames = ConcurrentHashMap.newKeySet();
  private final Set<Name> truncatedNames = ConcurrentHashMap.newKeySet();
  private final List<Query> queries = new CopyOnWriteArrayList<>();
  private final DatagramSocket udp;
  private final TcpListener tcp;
  private final Thread udpThread;
  private volatile boolean closed;

  private LocalDnsServer(ServerSocket tcpSocket, DatagramSocket udp) {
    this.udp = udp;
    this.tcp = TcpListener.start("local-dns-tcp", tcpSocket, this::serveTcp);
    this.udpThread = TcpListener.daemonThreads("local-dns-udp").newThread(this::serveUdp);
    udpThread.start();
  }

  /** Starts a server with no records on an ephemeral port of 127.0.0.1. */
  public static LocalDnsServer start() {
    IOException last = null;
    for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
      ServerSocket tcpSocket = null;
      try {
        tcpSocket = TcpListener.bindLoopback(0);
        DatagramSocket udpSocket =
            new DatagramSocket(
                new InetSocketAddress(TcpListener.loopback(), tcpSocket.getLocalPort()));
        return new LocalDnsServer(tcpSocket, udpSocket);
      } catch (IOException e) {
        if (tcpSocket != null) {
          TcpListener.closeQuietly(tcpSocket);
        }
        if (!(e instanceof BindException)) {
          throw new UncheckedIOException("cannot bind a DNS server on 127.0.0.1", e);
        }
        // the UDP side of the port the kernel gave TCP was taken: try another port
        last = e;
      }
    }
    throw new UncheckedIOException("no port of 127.0.0.1 was free for both UDP and TCP", last);
  }

  // ---- data ----

  /** Adds any record, for types or TTLs the shortcuts below do not cover. */
  public LocalDnsServer add(Record record) {
    synchronized (lock) {
      records.computeIfAbsent(record.getName(), name -> new ArrayList<>()).add(record);
    }
    return this;
  }

  /** Adds one TXT record made of the given character strings (one string per argument). */
  public LocalDnsServer addTxt(String name, String... strings) {
    if (strings.length == 0) {
      throw new IllegalArgumentException("a TXT record holds at least one string");
    }
    return add(new TXTRecord(name(name), DClass.IN, DEFAULT_TTL, Arrays.asList(strings)));
  }

  public LocalDnsServer addCname(String name, String target) {
    return add(new CNAMERecord(name(name), DClass.IN, DEFAULT_TTL, name(target)));
  }

  public LocalDnsServer addMx(String name, int preference, String host) {
    return add(new MXRecord(name(name), DClass.IN, DEFAULT_TTL, preference, name(host)));
  }

  /** The RFC 7505 "this domain accepts no mail" record, {@code MX 0 .}. */
  public LocalDnsServer addNullMx(String name) {
    return addMx(name, 0, ".");
  }

  /** Adds an A or AAAA record, depending on the literal given. */
  public LocalDnsServer addAddress(String name, String addressLiteral) {
    InetAddress address;
    try {
      address = Address.getByAddress(addressLiteral);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address literal: " + addressLiteral, e);
    }
    Name owner = name(name);
    return add(
        address.getAddress().length == 4
            ? new ARecord(owner, DClass.IN, DEFAULT_TTL, address)
            : new AAAARecord(owner, DClass.IN, DEFAULT_TTL, address));
  }

  /** Removes the records of one type at a name, to imitate a change in the zone. */
  public LocalDnsServer remove(String name, int type) {
    Name owner = name(name);
    synchronized (lock) {
      List<Record> at = records.get(owner);
      if (at != null) {
        at.removeIf(record -> record.getType() == type);
        if (at.isEmpty()) {
          records.remove(owner);
        }
      }
    }
    return this;
  }

  public LocalDnsServer removeAll(String name) {
    synchronized (lock) {
      records.remove(name(name));
    }
    return this;
  }

  // ---- faults ----

  /** Queries for this name (also when reached through a CNAME) get SERVFAIL. */
  public LocalDnsServer failWithServfail(String name) {
    servfailNames.add(name(name));
    return this;
  }

  /** Queries for this name (also when reached through a CNAME) are never answered. */
  public LocalDnsServer stall(String name) {
    stalledNames.add(name(name));
    return this;
  }

  /**
   * UDP queries for this name get an empty answer with the TC flag, so a client must retry over
   * TCP, which gets the full answer.
   */
  public LocalDnsServer truncateOverUdp(String name) {
    truncatedNames.add(name(name));
    return this;
  }

  /** Undoes {@link #failWithServfail}, {@link #stall} and {@link #truncateOverUdp}. */
  public LocalDnsServer clearFaults(String name) {
    Name owner = name(name);
    servfailNames.remove(owner);
    stalledNames.remove(owner);
    truncatedNames.remove(owner);
    return this;
  }

  // ---- where and how to reach it ----

  public int port() {
    return udp.getLocalPort();
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(TcpListener.loopback(), port());
  }

  /** {@code 127.0.0.1:PORT}, the form {@code --dns-server} takes. */
  public String hostAndPort() {
    return "127.0.0.1:" + port();
  }

  /** A dnsjava resolver asking only this server, giving up after two seconds. */
  public SimpleResolver resolver() {
    return resolver(Duration.ofSeconds(2));
  }

  public SimpleResolver resolver(Duration timeout) {
    SimpleResolver resolver = new SimpleResolver(address());
    resolver.setTimeout(timeout);
    return resolver;
  }

  /** An extended resolver around {@link #resolver(Duration)}, tried once per query. */
  public ExtendedResolver extendedResolver(Duration timeout) {
    ExtendedResolver resolver = new ExtendedResolver(new Resolver[] {resolver(timeout)});
    resolver.setTimeout(timeout);
    resolver.setRetries(1);
    return resolver;
  }

  /** Every well-formed question received so far, in arrival order. */
  public List<Query> queries() {
    return List.copyOf(queries);
  }

  @Override
  public void close() {
    closed = true;
    udp.close();
    tcp.close();
    try {
      udpThread.join(TcpListener.SHUTDOWN_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- serving ----

  private void serveUdp() {
    byte[] buffer = new byte[65535];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
      } catch (IOException e) {
        if (!closed) {
          LOG.debug("local DNS server stopped receiving UDP", e);
        }
        return;
      }
      byte[] request = Arrays.copyOfRange(packet.getData(), 0, packet.getLength());
      try {
        Optional<byte[]> reply = answer(request, Transport.UDP);
        if (reply.isPresent()) {
          byte[] bytes = reply.get();
          udp.send(new DatagramPacket(bytes, bytes.length, packet.getSocketAddress()));
        }
      } catch (IOException | RuntimeException e) {
        // one bad exchange must not stop the server
        LOG.debug("local DNS server could not answer a UDP query", e);
      }
    }
  }

  private void serveTcp(Socket socket) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    while (true) {
      byte[] request;
      try {
        request = new byte[in.readUnsignedShort()];
        in.readFully(request);
      } catch (EOFException e) {
        return;
      }
      Optional<byte[]> reply = answer(request, Transport.TCP);
      if (reply.isPresent()) {
        out.writeShort(reply.get().length);
        out.write(reply.get());
        out.flush();
      }
    }
  }

  /** The reply to one request, or empty when the request must go unanswered. */
  private Optional<byte[]> answer(byte[] request, Transport transport) {
    Message query;
    try {
      query = new Message(request);
    } catch (IOException e) {
      return formatError(request);
    }
    Header header = query.getHeader();
    if (header.getFlag(Flags.QR)) {
      return Optional.empty();
    }
    Message response = responseTo(query);
    Record question = query.getQuestion();
    if (header.getOpcode() != Opcode.QUERY) {
      response.getHeader().setRcode(Rcode.NOTIMP);
    } else if (question == null || header.getCount(Section.QUESTION) != 1) {
      response.getHeader().setRcode(Rcode.FORMERR);
    } else {
      queries.add(new Query(question.getName().toString(true), question.getType(), transport));
      if (transport == Transport.UDP && truncatedNames.contains(question.getName())) {
        response.getHeader().setFlag(Flags.TC);
      } else if (!resolve(question.getName(), question.getType(), response)) {
        return Optional.empty();
      }
    }
    return Optional.of(
        transport == Transport.UDP ? response.toWire(udpLimit(query)) : response.toWire());
  }

  /**
   * Fills the answer section and rcode the way a recursive resolver would, following CNAMEs through
   * this server's data. Returns false when the query must go unanswered.
   */
  private boolean resolve(Name name, int type, Message response) {
    Name current = name;
    for (int step = 0; step <= MAX_CNAME_CHAIN; step++) {
      if (stalledNames.contains(current)) {
        return false;
      }
      if (servfailNames.contains(current)) {
        return servfail(response);
      }
      List<Record> owned;
      boolean exists;
      synchronized (lock) {
        owned = List.copyOf(records.getOrDefault(current, List.of()));
        exists = !owned.isEmpty() || hasDescendant(current);
      }
      if (!exists) {
        response.getHeader().setRcode(Rcode.NXDOMAIN);
        return true;
      }
      List<Record> matching = new ArrayList<>();
      Optional<CNAMERecord> alias = Optional.empty();
      for (Record record : owned) {
        if (record.getType() == type || type == Type.ANY) {
          matching.add(record);
        } else if (record instanceof CNAMERecord) {
          alias = Optional.of((CNAMERecord) record);
        }
      }
      if (!matching.isEmpty()) {
        matching.forEach(record -> response.addRecord(record, Section.ANSWER));
        return true;
      }
      if (alias.isEmpty()) {
        return true;
      }
      response.addRecord(alias.get(), Section.ANSWER);
      current = alias.get().getTarget();
    }
    return servfail(response);
  }

  private static boolean servfail(Message response) {
    response.removeAllRecords(Section.ANSWER);
    response.getHeader().setRcode(Rcode.SERVFAIL);
    return true;
  }

  private boolean hasDescendant(Name name) {
    for (Name owner : records.keySet()) {
      if (owner.subdomain(name)) {
        return true;
      }
    }
    return false;
  }

  private static Message responseTo(Message query) {
    Message response = new Message(query.getHeader().getID());
    Header header = response.getHeader();
    header.setFlag(Flags.QR);
    header.setFlag(Flags.RA);
    if (query.getHeader().getFlag(Flags.RD)) {
      header.setFlag(Flags.RD);
    }
    header.setOpcode(query.getHeader().getOpcode());
    if (query.getQuestion() != null) {
      response.addRecord(query.getQuestion(), Section.QUESTION);
    }
    if (query.getOPT() != null) {
      response.addRecord(new OPTRecord(UDP_PAYLOAD_WITH_EDNS, 0, 0), Section.ADDITIONAL);
    }
    return response;
  }

  private static int udpLimit(Message query) {
    OPTRecord opt = query.getOPT();
    if (opt == null) {
      return UDP_PAYLOAD_WITHOUT_EDNS;
    }
    return Math.max(
        UDP_PAYLOAD_WITHOUT_EDNS, Math.min(opt.getPayloadSize(), UDP_PAYLOAD_WITH_EDNS));
  }

  /**
   * FORMERR for a request that does not parse, when it is at least long enough to carry an id to
   * answer to and does not claim to be a response itself (answering those could start a loop).
   */
  private static Optional<byte[]> formatError(byte[] request) {
    if (request.length < Header.LENGTH || (request[2] & 0x80) != 0) {
      return Optional.empty();
    }
    Message response = new Message(((request[0] & 0xff) << 8) | (request[1] & 0xff));
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setRcode(Rcode.FORMERR);
    return Optional.of(response.toWire());
  }

  private static Name name(String text) {
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a domain name: " + text, e);
    }
  }
}
