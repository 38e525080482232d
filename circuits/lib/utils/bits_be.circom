pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";

// The N-bit big-endian bit string of `in` (most significant bit first), the order in which
// circomlib's Sha256 reads bytes. Fails when in >= 2^N.
template BitsBE(N) {
    signal input in;
    signal output bits[N];

    component b = Num2Bits(N);
    b.in <== in;
    for (var i = 0; i < N; i++) bits[i] <== b.out[N - 1 - i];
}
