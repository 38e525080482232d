pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";

// Account leaf = Poseidon(Ax, Ay, l1Address, balance + nonce·2^96 + staked·2^128). The bit
// decompositions are the range checks a balance needs anyway (docs/protocol.md section 6);
// l1Address needs none: it only ever comes from an L1 deposit.
template AccountLeaf() {
    signal input ax;
    signal input ay;
    signal input l1Address;
    signal input balance;
    signal input nonce;
    signal input staked;
    signal output leaf;

    component balanceBits = Num2Bits(96);
    balanceBits.in <== balance;
    component nonceBits = Num2Bits(32);
    nonceBits.in <== nonce;
    component stakedBits = Num2Bits(96);
    stakedBits.in <== staked;

    component h = Poseidon(4);
    h.inputs[0] <== ax;
    h.inputs[1] <== ay;
    h.inputs[2] <== l1Address;
    h.inputs[3] <== balance + nonce * (1 << 96) + staked * (1 << 128);
    leaf <== h.out;
}
