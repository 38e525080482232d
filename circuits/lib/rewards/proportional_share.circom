pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";

// out = floor(amount · weight / divisor) and rem, the remainder, for a divisor the caller
// keeps in [1, 2^RBITS). Hints pinned by amount · weight = out · divisor + rem with
// out < 2^QBITS and 0 <= rem < divisor (rem's bits and those of divisor - 1 - rem). The
// caller bounds the inputs so that neither side reaches the field's modulus (QBITS + RBITS
// and the product's width well below 253), which makes the field equation the integer one.
template ProportionalShare(QBITS, RBITS) {
    signal input amount;
    signal input weight;
    signal input divisor;
    signal output out;
    signal output rem;

    signal product <== amount * weight;
    out <-- product \ divisor;
    rem <-- product % divisor;
    product === out * divisor + rem;
    component outBits = Num2Bits(QBITS);
    outBits.in <== out;
    component remBits = Num2Bits(RBITS);
    remBits.in <== rem;
    component remBelow = Num2Bits(RBITS);
    remBelow.in <== divisor - 1 - rem;
}
