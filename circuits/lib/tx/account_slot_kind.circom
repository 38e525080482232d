pragma circom 2.1.0;

// The type of an account slot as one flag per kind it executes: no-op padding (0),
// transfer (1), withdraw (2), stake (3), unstake (4), register contribution (5), register
// model (6), inference (7), the L1 queue operations deposit (8), forced withdrawal (9),
// set parameter (10) and slash (11), create Datanet (12) and curate (13). Any other type has no satisfying flags, so a batch
// holding it cannot be proven. The flags need no boolean check: every flag
// but the one matching `type` is forced to 0, and the sum to 1.
template AccountSlotKind() {
    signal input type;
    signal output isNoop;
    signal output isTransfer;
    signal output isWithdraw;
    signal output isStake;
    signal output isUnstake;
    signal output isContribution;
    signal output isModel;
    signal output isInference;
    signal output isDeposit;
    signal output isForcedWithdrawal;
    signal output isSetParameter;
    signal output isSlash;
    signal output isDatanet;
    signal output isCurate;

    var N = 14;
    var TYPES[N] = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 6, 12, 13];
    signal flags[N];
    var sum = 0;
    for (var i = 0; i < N; i++) {
        flags[i] <-- type == TYPES[i] ? 1 : 0;
        flags[i] * (type - TYPES[i]) === 0;
        sum += flags[i];
    }
    sum === 1;
    isNoop <== flags[0];
    isTransfer <== flags[1];
    isWithdraw <== flags[2];
    isStake <== flags[3];
    isUnstake <== flags[4];
    isContribution <== flags[5];
    isInference <== flags[6];
    isDeposit <== flags[7];
    isForcedWithdrawal <== flags[8];
    isSetParameter <== flags[9];
    isSlash <== flags[10];
    isModel <== flags[11];
    isDatanet <== flags[12];
    isCurate <== flags[13];
}
