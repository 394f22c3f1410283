package dev.cloudedge.federation.provider.executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A small EC2-compatible Query API endpoint on 127.0.0.1 for running the real {@code aws} CLI in
 * tests: form-encoded POSTs in, EC2 XML out (namespace 2016-11-15), errors as EC2's
 * {@code <Response><Errors><Error>} documents with its status codes. It keeps ENIs (secondary IPs,
 * SourceDestCheck) and route tables in memory and records every request's parameters.
 */
final class Ec2Endpoint implements AutoCloseable {
  static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";

  /** An ENI. */
  static final class Eni {
    final String primary;
    final List<String> secondary = new ArrayList<>();
    boolean sourceDestCheck = true;

    Eni(String primary) {
      this.primary = primary;
    }
  }

  final Map<String, Eni> enis = new LinkedHashMap<>();
  final Map<String, Map<String, String>> routeTables = new LinkedHashMap<>();
  final Set<String> denied = new HashSet<>();
  final List<Map<String, String>> requests = new ArrayList<>();
  final List<String> authorizations = new ArrayList<>();
  private final HttpServer server;

  Ec2Endpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  synchronized List<String> actions() {
    return requests.stream().map(r -> r.get("Action")).toList();
  }

  private static Map<String, String> form(String body) {
    Map<String, String> m = new TreeMap<>();
    for (String kv : body.split("&")) {
      if (kv.isEmpty()) {
        continue;
      }
      int eq = kv.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      m.put(k, v);
    }
    return m;
  }

  private void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String query = ex.getRequestURI().getRawQuery();
    Map<String, String> p = form(body.isEmpty() && query != null ? query : body);
    int status;
    String xml;
    synchronized (this) {
      requests.add(p);
      authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
      String action = p.getOrDefault("Action", "");
      if (denied.contains(action)) {
        status = 403;
        xml = error("UnauthorizedOperation", "You are not authorized to perform this operation. Encoded authorization "
            + "failure message: " + UUID.randomUUID());
      } else {
        String[] r = dispatch(action, p);
        status = Integer.parseInt(r[0]);
        xml = r[1];
      }
    }
    byte[] b = xml.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/xml;charset=UTF-8");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(b);
    }
  }

  private static String error(String code, String message) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code + "</Code><Message>"
        + message + "</Message></Error></Errors><RequestID>" + UUID.randomUUID() + "</RequestID></Response>";
  }

  private static String ok(String action, String inner) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + action + "Response xmlns=\"" + NS + "\">\n  <requestId>"
        + UUID.randomUUID() + "</requestId>\n" + inner + "</" + action + "Response>";
  }

  private static List<String> indexed(Map<String, String> p, String prefix) {
    List<String> out = new ArrayList<>();
    for (int i = 1; p.containsKey(prefix + "." + i); i++) {
      out.add(p.get(prefix + "." + i));
    }
    return out;
  }

  private String holder(String ip) {
    for (Map.Entry<String, Eni> e : enis.entrySet()) {
      if (e.getValue().primary.equals(ip) || e.getValue().secondary.contains(ip)) {
        return e.getKey();
      }
    }
    return null;
  }

  private String[] dispatch(String action, Map<String, String> p) {
    switch (action) {
      case "DescribeNetworkInterfaces": {
        StringBuilder sb = new StringBuilder("  <networkInterfaceSet>\n");
        for (String id : indexed(p, "NetworkInterfaceId")) {
          Eni e = enis.get(id);
          if (e == null) {
            return new String[] {"400", error("InvalidNetworkInterfaceID.NotFound",
                "The networkInterface ID '" + id + "' does not exist")};
          }
          sb.append("    <item>\n      <networkInterfaceId>").append(id).append("</networkInterfaceId>\n")
              .append("      <subnetId>subnet-0abc</subnetId>\n      <vpcId>vpc-0abc</vpcId>\n")
              .append("      <availabilityZone>ap-northeast-1a</availabilityZone>\n      <description/>\n")
              .append("      <ownerId>123456789012</ownerId>\n      <requesterManaged>false</requesterManaged>\n")
              .append("      <status>in-use</status>\n      <macAddress>06:7f:00:00:00:01</macAddress>\n")
              .append("      <privateIpAddress>").append(e.primary).append("</privateIpAddress>\n")
              .append("      <sourceDestCheck>").append(e.sourceDestCheck).append("</sourceDestCheck>\n")
              .append("      <groupSet/>\n      <privateIpAddressesSet>\n")
              .append("        <item><privateIpAddress>").append(e.primary)
              .append("</privateIpAddress><primary>true</primary></item>\n");
          for (String ip : e.secondary) {
            sb.append("        <item><privateIpAddress>").append(ip).append("</privateIpAddress><primary>false</primary>"
                + "</item>\n");
          }
          sb.append("      </privateIpAddressesSet>\n      <interfaceType>interface</interfaceType>\n    </item>\n");
        }
        sb.append("  </networkInterfaceSet>\n");
        return new String[] {"200", ok(action, sb.toString())};
      }
      case "AssignPrivateIpAddresses": {
        Eni e = enis.get(p.get("NetworkInterfaceId"));
        if (e == null) {
          return new String[] {"400", error("InvalidNetworkInterfaceID.NotFound",
              "The networkInterface ID '" + p.get("NetworkInterfaceId") + "' does not exist")};
        }
        boolean reassign = "true".equals(p.get("AllowReassignment"));
        StringBuilder set = new StringBuilder();
        for (String ip : indexed(p, "PrivateIpAddress")) {
          String h = holder(ip);
          if (h != null && !reassign) {
            return new String[] {"400", h.equals(p.get("NetworkInterfaceId"))
                ? error("InvalidParameterValue", "The address " + ip + " is already assigned to this network interface")
                : error("InvalidIPAddress.InUse", "Address " + ip + " is in use.")};
          }
          if (h != null) {
            enis.get(h).secondary.remove(ip);
          }
          e.secondary.add(ip);
          set.append("    <item><privateIpAddress>").append(ip).append("</privateIpAddress></item>\n");
        }
        return new String[] {"200", ok(action, "  <networkInterfaceId>" + p.get("NetworkInterfaceId")
            + "</networkInterfaceId>\n  <assignedPrivateIpAddressesSet>\n" + set
            + "  </assignedPrivateIpAddressesSet>\n  <return>true</return>\n")};
      }
      case "UnassignPrivateIpAddresses": {
        Eni e = enis.get(p.get("NetworkInterfaceId"));
        for (String ip : indexed(p, "PrivateIpAddress")) {
          if (e == null || !e.secondary.contains(ip)) {
            return new String[] {"400", error("InvalidParameterValue",
                "Some of the specified addresses are not assigned to interface " + p.get("NetworkInterfaceId"))};
          }
        }
        indexed(p, "PrivateIpAddress").forEach(e.secondary::remove);
        return new String[] {"200", ok(action, "  <return>true</return>\n")};
      }
      case "ModifyNetworkInterfaceAttribute": {
        Eni e = enis.get(p.get("NetworkInterfaceId"));
        if (e == null) {
          return new String[] {"400", error("InvalidNetworkInterfaceID.NotFound",
              "The networkInterface ID '" + p.get("NetworkInterfaceId") + "' does not exist")};
        }
        if (p.containsKey("SourceDestCheck.Value")) {
          e.sourceDestCheck = Boolean.parseBoolean(p.get("SourceDestCheck.Value"));
        }
        return new String[] {"200", ok(action, "  <return>true</return>\n")};
      }
      case "DescribeRouteTables": {
        StringBuilder sb = new StringBuilder("  <routeTableSet>\n");
        for (String id : indexed(p, "RouteTableId")) {
          Map<String, String> routes = routeTables.get(id);
          if (routes == null) {
            return new String[] {"400", error("InvalidRouteTableID.NotFound",
                "The routeTable ID '" + id + "' does not exist")};
          }
          sb.append("    <item>\n      <routeTableId>").append(id).append("</routeTableId>\n      <vpcId>vpc-0abc</vpcId>\n")
              .append("      <routeSet>\n");
          routes.forEach((dst, eni) -> sb.append("        <item><destinationCidrBlock>").append(dst)
              .append("</destinationCidrBlock>").append(eni.equals("local") ? "<gatewayId>local</gatewayId>"
                  : "<networkInterfaceId>" + eni + "</networkInterfaceId>")
              .append("<state>active</state><origin>CreateRoute</origin></item>\n"));
          sb.append("      </routeSet>\n      <associationSet/>\n      <tagSet/>\n    </item>\n");
        }
        return new String[] {"200", ok(action, sb.append("  </routeTableSet>\n").toString())};
      }
      case "CreateRoute": {
        Map<String, String> routes = routeTables.get(p.get("RouteTableId"));
        if (routes.containsKey(p.get("DestinationCidrBlock"))) {
          return new String[] {"400", error("RouteAlreadyExists", "The route identified by "
              + p.get("DestinationCidrBlock") + " already exists.")};
        }
        routes.put(p.get("DestinationCidrBlock"), p.get("NetworkInterfaceId"));
        return new String[] {"200", ok(action, "  <return>true</return>\n")};
      }
      case "DeleteRoute": {
        Map<String, String> routes = routeTables.get(p.get("RouteTableId"));
        if (routes.remove(p.get("DestinationCidrBlock")) == null) {
          return new String[] {"400", error("InvalidRoute.NotFound", "no route with destination-cidr-block "
              + p.get("DestinationCidrBlock") + " in route table " + p.get("RouteTableId"))};
        }
        return new String[] {"200", ok(action, "  <return>true</return>\n")};
      }
      default:
        return new String[] {"400", error("InvalidAction", "The action " + action + " is not valid for this web service.")};
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
