pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";

// out = floor(amount · weight / total), 0 when total = 0 (totalIsZero = 1, given by the
// caller from the same total). Hints pinned by amount · weight = out · total + rem, out < 2^96,
// 0 <= rem < total + totalIsZero (so rem = 0 when total = 0) and out = 0 when total = 0, which
// the equation alone leaves free. BITS bounds total: with amount < 2^96, weight < 2^64 and
// total < 2^BITS (BITS <= 100) no side reaches the field's modulus.
template ProportionalShare(BITS) {
    signal input amount;
    signal input weight;
    signal input total;
    signal input totalIsZero;
    signal output out;

    signal product <== amount * weight;
    out <-- total == 0 ? 0 : product \ total;
    signal rem <-- total == 0 ? 0 : product % total;
    product === out * total + rem;
    totalIsZero * out === 0;
    component outBits = Num2Bits(96);
    outBits.in <== out;
    component remBits = Num2Bits(BITS);
    remBits.in <== rem;
    component remBelow = Num2Bits(BITS);
    remBelow.in <== total + totalIsZero - 1 - rem;
}
