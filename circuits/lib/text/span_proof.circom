pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "./span_piece.circom";

// The credited spans of one contribution in one output (docs/protocol.md §12.4): PIECES
// pieces against one contentRoot and one outputRoot (the output's textRoot, the inference's
// outputHash), credited = the sum of their lengths. The used pieces come first, in increasing
// output position and disjoint in the output (q_n >= q_(n-1) + L_(n-1)), so an output token
// is credited at most once per contribution: the total never exceeds the output's length.
// The content side is free: pieces may come from different spans of the contribution.
template SpanProof(PIECES, ARITY, DEPTH) {
    signal input contentRoot;
    signal input outputRoot;
    signal input contentIndex[PIECES];
    signal input contentOffset[PIECES];
    signal input contentTokens[PIECES][2][16];
    signal input contentSiblings[PIECES][2][DEPTH][ARITY - 1];
    signal input outputIndex[PIECES];
    signal input outputOffset[PIECES];
    signal input outputTokens[PIECES][2][16];
    signal input outputSiblings[PIECES][2][DEPTH][ARITY - 1];
    signal input length[PIECES];
    signal output credited;

    component piece[PIECES];
    var total = 0;
    for (var n = 0; n < PIECES; n++) {
        piece[n] = SpanPiece(ARITY, DEPTH);
        piece[n].contentRoot <== contentRoot;
        piece[n].outputRoot <== outputRoot;
        piece[n].contentIndex <== contentIndex[n];
        piece[n].contentOffset <== contentOffset[n];
        piece[n].contentTokens <== contentTokens[n];
        piece[n].contentSiblings <== contentSiblings[n];
        piece[n].outputIndex <== outputIndex[n];
        piece[n].outputOffset <== outputOffset[n];
        piece[n].outputTokens <== outputTokens[n];
        piece[n].outputSiblings <== outputSiblings[n];
        piece[n].length <== length[n];
        total += piece[n].credited;
    }

    // Output positions are below 16·ARITY^DEPTH (the indexes' digits and the offsets' bits
    // bound them), so the gap between an active piece and its predecessor's end is below that
    // too, and a negative gap is a field element far beyond it.
    var POSITION_BITS = 4 + DEPTH * log2Exact(ARITY);
    component gap[PIECES - 1];
    signal gapValue[PIECES - 1];
    for (var n = 1; n < PIECES; n++) {
        piece[n].active * (1 - piece[n - 1].active) === 0;
        gapValue[n - 1] <== piece[n].active * (16 * outputIndex[n] + outputOffset[n] - 16 * outputIndex[n - 1] - outputOffset[n - 1] - length[n - 1]);
        gap[n - 1] = Num2Bits(POSITION_BITS);
        gap[n - 1].in <== gapValue[n - 1];
    }
    credited <== total;
}
