pragma circom 2.1.0;

include "./bits_be.circom";

// A field element as the 256 bits of its 32-byte big-endian form. Num2Bits(254) leaves an
// alias (x + r) possible, but that gives a different byte string and so a public input the
// contract never computes (it checks every root it stores is below r).
template FieldBitsBE() {
    signal input in;
    signal output bits[256];

    component b = BitsBE(254);
    b.in <== in;
    bits[0] <== 0;
    bits[1] <== 0;
    for (var i = 0; i < 254; i++) bits[i + 2] <== b.bits[i];
}
