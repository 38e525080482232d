pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";

// A float40 amount (protocol/float40.ts): packed = e·2^35 + m, value = m·10^e. The 40-bit
// decomposition is at once the range check and the bits the batch data hash needs.
template Float40() {
    signal input packed;
    signal output value;
    signal output bits[40];

    component b = Num2Bits(40);
    b.in <== packed;
    bits <== b.out;

    var m = 0;
    for (var i = 0; i < 35; i++) m += b.out[i] * (1 << i);

    // 10^e as the product over the exponent's bits of (1 + bit·(10^(2^k) - 1)).
    signal pow[6];
    pow[0] <== 1;
    var p = 10;
    for (var k = 0; k < 5; k++) {
        pow[k + 1] <== pow[k] * (1 + b.out[35 + k] * (p - 1));
        p = p * p;
    }
    value <== m * pow[5];
}
