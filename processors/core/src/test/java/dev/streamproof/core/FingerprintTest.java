package dev.streamproof.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class FingerprintTest {
  @Test
  void matchesTheContractsExample() {
    Fingerprint fp = new Fingerprint();
    fp.add("gen-1:1");
    fp.add("gen-1:3");
    assertEquals(2, fp.count());
    assertEquals("d2f1f68d6032d7ad", fp.hashSumHex());
  }

  @Test
  void windowStartIsExactForNegativeAndHugeTimes() {
    assertEquals(-60000, Windows.startMs(-1, 60000));
    assertEquals(0, Windows.startMs(59999, 60000));
    assertEquals(60000, Windows.startMs(60000, 60000));
    assertEquals(9007199254740991L - (9007199254740991L % 7), Windows.startMs(9007199254740991L, 7));
  }

  @Test
  void centsRoundOnceInDoubleArithmetic() {
    assertEquals(1999, WindowAccumulator.toCents(19.99));
    assertEquals(100, WindowAccumulator.toCents(1.005));
  }

  @Test
  void identityIsFoundInBrokenJsonAndRefusedBeyondTheBitmaps() {
    assertEquals(new Identity("g-1", 7), Identity.extract("{\"generatorId\" : \"g-1\", \"seq\": 7, oops", null, false));
    assertEquals(new Identity("g-1", 8), Identity.extract("{\"eventId\":\"g-1:8\"", null, false));
    assertNull(Identity.extract("{\"generatorId\":\"g-1\",\"seq\":2147483648}", null, false));
    assertNull(Identity.extract("{\"generatorId\":\"g-1\",\"seq\":1.5}", null, false));
  }
}
