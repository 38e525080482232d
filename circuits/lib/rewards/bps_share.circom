pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";

// out = floor(amount · bps / 10000) (docs/protocol.md section 11.2). The quotient and the
// remainder are hints pinned by amount · bps = out · 10000 + rem with out < 2^96 and
// 0 <= rem < 10000; with amount < 2^96 and bps < 2^16 (the state's ranges) neither side
// reaches the field's modulus, so the field equation is the integer one.
template BpsShare() {
    signal input amount;
    signal input bps;
    signal output out;

    signal product <== amount * bps;
    out <-- product \ 10000;
    signal rem <-- product % 10000;
    product === out * 10000 + rem;
    component outBits = Num2Bits(96);
    outBits.in <== out;
    component remBits = Num2Bits(14);
    remBits.in <== rem;
    component remBelow = Num2Bits(14);
    remBelow.in <== 9999 - rem;
}
