package com.example.greeter;

import io.morgana.api.Console;
import io.morgana.api.Ipv4Cidr;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/** An application written against Morgana's interfaces only: greets once, three seconds in. */
public final class Greeter {

  static final BootKey<Ipv4Cidr> IPV4 =
      BootKey.of("ipv4", "address to greet from", Ipv4Cidr.parse("192.0.2.2/24"), Ipv4Cidr::parse);

  private final Console console;
  private final EventLoop loop;
  private final Ipv4Cidr address;

  @Inject
  Greeter(Console console, EventLoop loop, BootArguments arguments) {
    this.console = console;
    this.loop = loop;
    this.address = arguments.get(IPV4);
  }

  void start() {
    long started = loop.nowNanos();
    loop.schedule(started + Duration.ofSeconds(3).toNanos(), () -> {
      long seconds = Duration.ofNanos(loop.nowNanos() - started).toSeconds();
      try {
        console.log("hello from " + address + " after " + seconds + " virtual seconds");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  public static void main(String[] argv) throws Exception {
    DeterministicLoop loop = new DeterministicLoop();
    Lifecycle lifecycle = new Lifecycle();
    BootArguments arguments = BootArguments.parse(List.of(IPV4), argv);
    DaggerGreeterKernel.factory().create(arguments, loop, lifecycle).greeter().start();
    loop.advance(Duration.ofSeconds(10));
    lifecycle.close();
  }
}
