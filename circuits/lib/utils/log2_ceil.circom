pragma circom 2.1.0;

// The least b with 2^b >= n (n >= 1): the bits a sum of n values below 2^k adds to k.
// In its own file: adding it to log2.circom would change the compile hash of every circuit
// that includes that one, and so rebuild their keys.
function log2Ceil(n) {
    var bits = 0;
    var v = 1;
    while (v < n) {
        v *= 2;
        bits++;
    }
    return bits;
}
