package dev.streamproof.core;

import java.util.List;

/** A valid event (docs/contract.md, "Events"); `value` is null unless it is a purchase. */
public record Event(
    String eventId,
    String generatorId,
    long seq,
    String userId,
    String sessionId,
    int typeIndex,
    Double value,
    long eventTime,
    long intendedAt) {
  /** In the contract's order; countsByType is written in this order. */
  public static final List<String> TYPES = List.of("page_view", "click", "add_to_cart", "remove_from_cart", "checkout", "purchase");
  public static final int PURCHASE = 5;
  public static final List<String> DEVICES = List.of("desktop", "mobile", "tablet");
}
