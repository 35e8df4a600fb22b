package io.mtasts.operator.localserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class LocalDnsServerTest {
  private final LocalDnsServer dns = LocalDnsServer.start();

  @AfterEach
  void stop() {
    dns.close();
  }

  @Test
  void servesEachTxtRecordWithItsStringsKeptApart() throws Exception {
    dns.addTxt("_mta-sts.example.com", "v=STSv1; ", "id=20240101")
        .addTxt("_mta-sts.example.com", "unrelated");

    Message answer = ask(dns.resolver(), "_mta-sts.example.com", Type.TXT);

    assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answer.getSection(Section.ANSWER))
        .map(record -> ((TXTRecord) record).getStrings())
        .containsExactly(List.of("v=STSv1; ", "id=20240101"), List.of("unrelated"));
  }

  @Test
  void followsACnameChainLikeARecursiveResolver() throws Exception {
    dns.addCname("_mta-sts.example.com", "_mta-sts.hoster.example.net")
        .addCname("_mta-sts.hoster.example.net", "policy.hoster.example.net")
        .addTxt("policy.hoster.example.net", "v=STSv1; id=1");

    Message answer = ask(dns.resolver(), "_mta-sts.example.com", Type.TXT);

    assertThat(answer.getSection(Section.ANSWER))
        .extracting(record -> record.getType())
        .containsExactly(Type.CNAME, Type.CNAME, Type.TXT);
    assertThat(((CNAMERecord) answer.getSection(Section.ANSWER).get(0)).getTarget())
        .isEqualTo(Name.fromConstantString("_mta-sts.hoster.example.net."));
  }

  @Test
  void aCnameToAnUnknownNameEndsInNxdomainWithTheCnameShown() throws Exception {
    dns.addCname("_mta-sts.example.com", "gone.example.net");

    Message answer = ask(dns.resolver(), "_mta-sts.example.com", Type.TXT);

    assertThat(answer.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(answer.getSection(Section.ANSWER))
        .extracting(Record::getType)
        .containsExactly(Type.CNAME);
  }

  @Test
  void servesMxIncludingNullMxAndAddresses() throws Exception {
    dns.addMx("example.com", 10, "mx1.example.com")
        .addMx("example.com", 20, "mx2.example.com")
        .addNullMx("nomail.example.com")
        .addAddress("mta-sts.example.com", "127.0.0.1")
        .addAddress("mta-sts.example.com", "::1");

    assertThat(ask(dns.resolver(), "example.com", Type.MX).getSection(Section.ANSWER))
        .map(record -> ((MXRecord) record).getPriority() + " " + ((MXRecord) record).getTarget())
        .containsExactly("10 mx1.example.com.", "20 mx2.example.com.");
    assertThat(ask(dns.resolver(), "nomail.example.com", Type.MX).getSection(Section.ANSWER))
        .map(record -> ((MXRecord) record).getPriority() + " " + ((MXRecord) record).getTarget())
        .containsExactly("0 .");
    assertThat(ask(dns.resolver(), "mta-sts.example.com", Type.A).getSection(Section.ANSWER))
        .map(record -> record.rdataToString())
        .containsExactly("127.0.0.1");
    assertThat(ask(dns.resolver(), "mta-sts.example.com", Type.AAAA).getSection(Section.ANSWER))
        .map(record -> ((AAAARecord) record).getAddress())
        .containsExactly(InetAddress.getByName("::1"));
  }

  @Test
  void tellsNxdomainFromNodata() throws Exception {
    dns.addMx("example.com", 10, "mx.example.com").addTxt("_smtp._tls.example.com", "v=TLSRPTv1;");

    Message missingName = ask(dns.resolver(), "_mta-sts.example.com", Type.TXT);
    Message missingType = ask(dns.resolver(), "example.com", Type.TXT);
    Message emptyNonTerminal = ask(dns.resolver(), "_tls.example.com", Type.TXT);

    assertThat(missingName.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(missingType.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(missingType.getSection(Section.ANSWER)).isEmpty();
    assertThat(emptyNonTerminal.getRcode()).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void answersServfailForConfiguredNamesAlsoBehindACname() throws Exception {
    dns.addTxt("_mta-sts.example.com", "v=STSv1; id=1")
        .failWithServfail("_mta-sts.example.com")
        .addCname("_mta-sts.example.org", "_mta-sts.example.com");

    assertThat(ask(dns.resolver(), "_mta-sts.example.com", Type.TXT).getRcode())
        .isEqualTo(Rcode.SERVFAIL);
    Message viaAlias = ask(dns.resolver(), "_mta-sts.example.org", Type.TXT);
    assertThat(viaAlias.getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(viaAlias.getSection(Section.ANSWER)).isEmpty();
  }

  @Test
  void aStalledNameMakesTheClientTimeOut() {
    dns.addTxt("_mta-sts.example.com", "v=STSv1; id=1").stall("_mta-sts.example.com");

    assertThatThrownBy(
            () -> ask(dns.resolver(Duration.ofMillis(300)), "_mta-sts.example.com", Type.TXT))
        .hasMessageContaining("Timed out");
  }

  @Test
  void truncatesOverUdpSoThatTheClientRetriesOverTcp() throws Exception {
    dns.addTxt("_mta-sts.example.com", "v=STSv1; id=1").truncateOverUdp("_mta-sts.example.com");
    SimpleResolver udpOnly = dns.resolver();
    udpOnly.setIgnoreTruncation(true);

    Message overUdp = ask(udpOnly, "_mta-sts.example.com", Type.TXT);
    Message withRetry = ask(dns.resolver(), "_mta-sts.example.com", Type.TXT);

    assertThat(overUdp.getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(overUdp.getSection(Section.ANSWER)).isEmpty();
    assertThat(withRetry.getHeader().getFlag(Flags.TC)).isFalse();
    assertThat(withRetry.getSection(Section.ANSWER)).hasSize(1);
    assertThat(dns.queries())
        .extracting(LocalDnsServer.Query::transport)
        .containsExactly(
            LocalDnsServer.Transport.UDP,
            LocalDnsServer.Transport.UDP,
            LocalDnsServer.Transport.TCP);
  }

  @Test
  void truncatesAnswersTooLargeForUdp() throws Exception {
    for (int i = 0; i < 20; i++) {
      dns.addTxt("big.example.com", "x".repeat(200) + i);
    }
    SimpleResolver udpOnly = dns.resolver();
    udpOnly.setIgnoreTruncation(true);

    assertThat(ask(udpOnly, "big.example.com", Type.TXT).getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(ask(dns.resolver(), "big.example.com", Type.TXT).getSection(Section.ANSWER))
        .hasSize(20);
  }

  @Test
  void survivesMalformedPackets() throws Exception {
    dns.addTxt("_mta-sts.example.com", "v=STSv1; id=1");
    try (DatagramSocket client = new DatagramSocket()) {
      byte[] garbage = {
        0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 'a'
      };
      client.send(new DatagramPacket(garbage, garbage.length, dns.address()));
      client.send(new DatagramPacket(new byte[] {1}, 1, dns.address()));
      client.setSoTimeout(2000);
      DatagramPacket reply = new DatagramPacket(new byte[512], 512);
      client.receive(reply);
      Message formerr = new Message(Arrays.copyOf(reply.getData(), reply.getLength()));
      assertThat(formerr.getHeader().getID()).isEqualTo(0x1234);
      assertThat(formerr.getRcode()).isEqualTo(Rcode.FORMERR);
    }
    try (Socket client = new Socket(dns.address().getAddress(), dns.port())) {
      DataOutputStream out = new DataOutputStream(client.getOutputStream());
      out.writeShort(3);
      out.write(new byte[] {1, 2, 3});
      out.flush();
    }

    assertThat(ask(dns.resolver(), "_mta-sts.example.com", Type.TXT).getSection(Section.ANSWER))
        .hasSize(1);
  }

  @Test
  void recordsTheQueriesItReceived() throws Exception {
    ask(dns.extendedResolver(Duration.ofSeconds(2)), "_MTA-STS.Example.com.", Type.TXT);

    assertThat(dns.queries())
        .containsExactly(
            new LocalDnsServer.Query(
                "_MTA-STS.Example.com", Type.TXT, LocalDnsServer.Transport.UDP));
    assertThat(dns.hostAndPort()).isEqualTo("127.0.0.1:" + dns.port());
  }

  private static Message ask(Resolver resolver, String name, int type) throws Exception {
    Record question = Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN);
    return resolver.send(Message.newQuery(question));
  }
}
