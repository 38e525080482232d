pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";

// The governance parameters after a batch's set-parameter order (docs/protocol.md sections 7
// and 8), or unchanged when `flag` is 0. Ids: 0 reward split (five 16-bit basis-point fields
// data, model, base model, prover, protocol, the four shares summing to 10,000 and the base
// model's at most 10,000), 1 epoch length and 2 attribution method (32 bits), 3 and 4 the
// minimum contribution and model stakes (96 bits); any other id changes nothing. A value out
// of its id's range has no witness, as the TypeScript refuses it.
template ParamChange() {
    signal input params[9];
    signal input flag;
    signal input id;
    signal input value;
    signal output out[9];

    component is[5];
    signal sel[5];
    var known = 0;
    for (var k = 0; k < 5; k++) {
        is[k] = IsEqual();
        is[k].in[0] <== id;
        is[k].in[1] <== k;
        sel[k] <== flag * is[k].out;
        known += sel[k];
    }
    component bits = Num2Bits(96);
    bits.in <== known * value;
    var above80 = 0;
    for (var i = 80; i < 96; i++) above80 += bits.out[i];
    sel[0] * above80 === 0;
    var above32 = 0;
    for (var i = 32; i < 96; i++) above32 += bits.out[i];
    (sel[1] + sel[2]) * above32 === 0;

    var limb[5];
    for (var j = 0; j < 5; j++) {
        limb[j] = 0;
        for (var i = 0; i < 16; i++) limb[j] += bits.out[16 * j + i] * (1 << i);
    }
    sel[0] * (limb[0] + limb[1] + limb[3] + limb[4] - 10000) === 0;
    component baseShare = LessThan(16);
    baseShare.in[0] <== limb[2];
    baseShare.in[1] <== 10001;
    sel[0] * (1 - baseShare.out) === 0;

    for (var j = 0; j < 5; j++) out[j] <== params[j] + sel[0] * (limb[j] - params[j]);
    for (var k = 1; k < 5; k++) out[4 + k] <== params[4 + k] + sel[k] * (value - params[4 + k]);
}
