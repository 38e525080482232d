pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "../rewards/leaf_opening.circom";
include "./shift_window.circom";

// One side of a span piece (docs/protocol.md §12.4): chunks `index` and `index + 1` of a
// textRoot (leaf = Poseidon of the 16 tokens, §12.3), and the 16 tokens from `offset` < 16 of
// the two. The first chunk is opened when the piece is active. The second is opened only when
// the piece reaches into it (offset + length > 16): then every token read from it is under
// the root; otherwise no token the piece credits comes from it, and its inputs are free, so a
// piece that ends in the stream's last chunk needs no chunk past the end (an empty leaf,
// which no 16 tokens hash to).
template ChunkPairWindow(ARITY, DEPTH) {
    signal input root;
    signal input active;
    signal input length;
    signal input index;
    signal input offset;
    signal input tokens[2][16];
    signal input siblings[2][DEPTH][ARITY - 1];
    signal output window[16];

    component offsetBits = Num2Bits(4);
    offsetBits.in <== offset;
    // offset + length <= 31, so offset + length + 15 < 64 and its bit 5 says offset + length >= 17.
    component reach = Num2Bits(6);
    reach.in <== offset + length + 15;

    component first = LeafOpening(16, ARITY, DEPTH);
    first.root <== root;
    first.active <== active;
    first.index <== index;
    first.fields <== tokens[0];
    first.siblings <== siblings[0];

    component second = LeafOpening(16, ARITY, DEPTH);
    second.root <== root;
    second.active <== reach.out[5];
    second.index <== index + 1;
    second.fields <== tokens[1];
    second.siblings <== siblings[1];

    // Position 31 is out of reach (offset + i <= 30).
    component shift = ShiftWindow(16, 4);
    for (var t = 0; t < 31; t++) shift.in[t] <== tokens[t \ 16][t % 16];
    shift.bits <== offsetBits.out;
    window <== shift.out;
}
