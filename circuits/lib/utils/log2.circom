pragma circom 2.1.0;

// log2 of a power of two; fails the compilation for anything else.
function log2Exact(n) {
    var bits = 0;
    var v = 1;
    while (v < n) {
        v *= 2;
        bits++;
    }
    assert(v == n);
    return bits;
}
