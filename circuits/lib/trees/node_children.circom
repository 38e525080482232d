pragma circom 2.1.0;

include "../utils/one_hot.circom";

// The ARITY children of an inner node: `node` in slot `digit`, the ARITY-1 siblings in the
// other slots in order. Slot j holds siblings[j] when digit > j and siblings[j-1] when
// digit < j; one product per case keeps it at about 3·ARITY constraints.
template NodeChildren(ARITY) {
    signal input node;
    signal input digit;
    signal input siblings[ARITY - 1];
    signal output children[ARITY];

    component sel = OneHot(ARITY);
    sel.inp <== digit;

    signal own[ARITY];
    signal fromSame[ARITY];
    signal fromPrev[ARITY];
    for (var j = 0; j < ARITY; j++) {
        var above = 0;
        for (var k = j + 1; k < ARITY; k++) above += sel.out[k];
        var below = 0;
        for (var k = 0; k < j; k++) below += sel.out[k];

        own[j] <== sel.out[j] * node;
        if (j < ARITY - 1) {
            fromSame[j] <== above * siblings[j];
        } else {
            fromSame[j] <== 0;
        }
        if (j > 0) {
            fromPrev[j] <== below * siblings[j - 1];
        } else {
            fromPrev[j] <== 0;
        }
        children[j] <== own[j] + fromSame[j] + fromPrev[j];
    }
}
