pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";

// Splits an account's packed word (docs/protocol.md section 6) into balance (96 bits),
// nonce (32) and staked (96). The range checks make the split unique.
template AccountUnpack() {
    signal input packed;
    signal output balance;
    signal output nonce;
    signal output staked;

    balance <-- packed & ((1 << 96) - 1);
    nonce <-- (packed >> 96) & ((1 << 32) - 1);
    staked <-- packed >> 128;
    component b = Num2Bits(96);
    b.in <== balance;
    component n = Num2Bits(32);
    n.in <== nonce;
    component s = Num2Bits(96);
    s.in <== staked;
    packed === balance + nonce * (1 << 96) + staked * (1 << 128);
}
