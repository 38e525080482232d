pragma circom 2.1.0;

// out[i] = 1 iff inp == i. Unsatisfiable when inp is not in [0, N): the sum would be 0.
template OneHot(N) {
    signal input inp;
    signal output out[N];

    var sum = 0;
    for (var i = 0; i < N; i++) {
        out[i] <-- inp == i ? 1 : 0;
        out[i] * (inp - i) === 0;
        sum += out[i];
    }
    sum === 1;
}
