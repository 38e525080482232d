pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "./lane_flags.circom";

// The inference lanes' ids (docs/protocol.md section 11.1): at least the first lane used, used
// lanes first, ids strictly increasing (so no record is settled twice) and each at most the
// epoch's lastInference. The caller's tree update bounds each id below 2^32 (IndexDigits),
// and lastInference is a u32 counter, so the 32-bit differences are the integer ones.
template InferenceIds(N) {
    signal input ids[N];
    signal input lastInference;
    signal output used[N];

    component flags = LaneFlags(N);
    flags.ids <== ids;
    used <== flags.used;
    used[0] === 1;

    component increasing[N];
    component inEpoch[N];
    for (var i = 0; i < N; i++) {
        inEpoch[i] = Num2Bits(32);
        inEpoch[i].in <== lastInference - ids[i];
        if (i > 0) {
            increasing[i] = Num2Bits(32);
            increasing[i].in <== used[i] * (ids[i] - ids[i - 1] - 1);
        }
    }
}
