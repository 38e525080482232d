pragma circom 2.1.0;

include "../utils/log2.circom";
include "../utils/one_hot.circom";

// An inner node's slots around the node on a path, which sits in slot `digit` (given by its
// bits): slot j holds siblings[j] when digit > j, siblings[j-1] when digit < j. Written as
//   children[j] = rest[j] + sel[j]·(node - siblings[j-1])
//   rest[j]     = siblings[j-1] + [digit > j]·(siblings[j] - siblings[j-1])
// (siblings[-1] = 0, [digit > ARITY-1] = 0), so the selection costs one product per slot but
// the last, shared by every node placed on it, and each node one product per slot.
template SlotSelect(ARITY) {
    var BITS = log2Exact(ARITY);
    signal input digitBits[BITS];
    signal input siblings[ARITY - 1];
    signal output sel[ARITY];
    signal output rest[ARITY];

    component oneHot = OneHotBits(BITS);
    oneHot.bits <== digitBits;
    sel <== oneHot.out;
    for (var j = 0; j < ARITY; j++) {
        var above = 0;
        for (var k = j + 1; k < ARITY; k++) above += sel[k];
        var prev = j > 0 ? siblings[j - 1] : 0;
        if (j < ARITY - 1) {
            rest[j] <== prev + above * (siblings[j] - prev);
        } else {
            rest[j] <== prev;
        }
    }
}

// Places `node` among the slots SlotSelect prepared.
template PlaceNode(ARITY) {
    signal input sel[ARITY];
    signal input rest[ARITY];
    signal input siblings[ARITY - 1];
    signal input node;
    signal output children[ARITY];

    for (var j = 0; j < ARITY; j++) {
        var prev = j > 0 ? siblings[j - 1] : 0;
        children[j] <== rest[j] + sel[j] * (node - prev);
    }
}

// The ARITY children of an inner node: `node` in slot `digit`, the ARITY-1 siblings in the
// other slots in order.
template NodeChildren(ARITY) {
    var BITS = log2Exact(ARITY);
    signal input node;
    signal input digitBits[BITS];
    signal input siblings[ARITY - 1];
    signal output children[ARITY];

    component slots = SlotSelect(ARITY);
    slots.digitBits <== digitBits;
    slots.siblings <== siblings;
    component place = PlaceNode(ARITY);
    place.sel <== slots.sel;
    place.rest <== slots.rest;
    place.siblings <== siblings;
    place.node <== node;
    children <== place.children;
}
