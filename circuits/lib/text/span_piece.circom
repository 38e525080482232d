pragma circom 2.1.0;

include "circomlib/circuits/comparators.circom";
include "./chunk_pair_window.circom";
include "./span_length.circom";

// One piece (c, p, q, L) of a span, L in 0..16 (docs/protocol.md §12.4): the L tokens of the
// contribution's stream at p = 16·contentIndex + contentOffset equal the output's at
// q = 16·outputIndex + outputOffset, and none of them is END or PAD, each side opened against
// its root. PAD is refused as well as END: both sides pad their last chunk with it, so two
// padded tails would otherwise match. L = 0 is an unused slot: nothing is opened or compared,
// and it credits 0. Token values are compared as field elements and not range-checked: the
// roots bind them, and equality needs no bound.
template SpanPiece(ARITY, DEPTH) {
    var END = 50256;
    var PAD = 65535;
    signal input contentRoot;
    signal input outputRoot;
    signal input contentIndex;
    signal input contentOffset;
    signal input contentTokens[2][16];
    signal input contentSiblings[2][DEPTH][ARITY - 1];
    signal input outputIndex;
    signal input outputOffset;
    signal input outputTokens[2][16];
    signal input outputSiblings[2][DEPTH][ARITY - 1];
    signal input length;
    signal output credited;
    signal output active;

    component len = SpanLength();
    len.length <== length;

    component contentSide = ChunkPairWindow(ARITY, DEPTH);
    contentSide.root <== contentRoot;
    contentSide.active <== len.active;
    contentSide.length <== length;
    contentSide.index <== contentIndex;
    contentSide.offset <== contentOffset;
    contentSide.tokens <== contentTokens;
    contentSide.siblings <== contentSiblings;

    component outputSide = ChunkPairWindow(ARITY, DEPTH);
    outputSide.root <== outputRoot;
    outputSide.active <== len.active;
    outputSide.length <== length;
    outputSide.index <== outputIndex;
    outputSide.offset <== outputOffset;
    outputSide.tokens <== outputTokens;
    outputSide.siblings <== outputSiblings;

    // Under the mask the windows agree, so END and PAD need refusing on one side only: the
    // product over the masked tokens of (t - END)(t - PAD) is not 0.
    signal boundary[16];
    signal factor[16];
    signal product[16];
    for (var i = 0; i < 16; i++) {
        len.mask[i] * (contentSide.window[i] - outputSide.window[i]) === 0;
        boundary[i] <== (contentSide.window[i] - END) * (contentSide.window[i] - PAD);
        factor[i] <== len.mask[i] * (boundary[i] - 1) + 1;
        if (i == 0) {
            product[0] <== factor[0];
        } else {
            product[i] <== product[i - 1] * factor[i];
        }
    }
    component zero = IsZero();
    zero.in <== product[15];
    zero.out === 0;

    credited <== length;
    active <== len.active;
}
