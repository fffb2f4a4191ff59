package io.kindling.scheduler.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SignatureTest {
    @Test
    void signsTheBodyAndTimestampDotBodyWithHmacSha256() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
        assertThat(Signature.hmac("Jefe", "what do ya want for nothing?"))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assertThat(Signature.header("Jefe", "what do ya want for nothing?"))
                .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assertThat(Signature.timestamped("Jefe", 1700000000L, "{}"))
                .isEqualTo("t=1700000000,v1=" + Signature.hmac("Jefe", "1700000000.{}"));
    }
}
