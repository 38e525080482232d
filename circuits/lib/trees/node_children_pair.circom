pragma circom 2.1.0;

include "../utils/one_hot.circom";

// NodeChildren for two nodes that sit in the same slot under the same siblings (a leaf's
// path before and after an update): the slot selection and the siblings' placement are
// computed once, only the own slot's product twice. About 2·ARITY + 2·(ARITY - 1) + ARITY + 1
// constraints instead of twice NodeChildren's.
template NodeChildrenPair(ARITY) {
    signal input nodeA;
    signal input nodeB;
    signal input digit;
    signal input siblings[ARITY - 1];
    signal output childrenA[ARITY];
    signal output childrenB[ARITY];

    component sel = OneHot(ARITY);
    sel.inp <== digit;

    signal ownA[ARITY];
    signal ownB[ARITY];
    signal fromSame[ARITY];
    signal fromPrev[ARITY];
    for (var j = 0; j < ARITY; j++) {
        var above = 0;
        for (var k = j + 1; k < ARITY; k++) above += sel.out[k];
        var below = 0;
        for (var k = 0; k < j; k++) below += sel.out[k];

        ownA[j] <== sel.out[j] * nodeA;
        ownB[j] <== sel.out[j] * nodeB;
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
        childrenA[j] <== ownA[j] + fromSame[j] + fromPrev[j];
        childrenB[j] <== ownB[j] + fromSame[j] + fromPrev[j];
    }
}
